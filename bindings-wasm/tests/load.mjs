// The Node build of the package (bindings-wasm/pkg/node, made by scripts/test-wasm).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pkg = require('../pkg/node/casebook_wasm.js');

export const { Casebook, Validator, validate, warmUp, operations, version, e164Pattern } = pkg;
export default pkg;
