// The package as Node loads it (bindings-wasm/pkg/node.js, made by scripts/test-wasm).
import * as pkg from '../pkg/node.js';

export const {
  Casebook, Validator, validate, warmUp, operations, version, e164Pattern, CasebookError, isCasebookError,
} = pkg;
export default pkg;
