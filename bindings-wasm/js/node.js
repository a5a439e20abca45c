// The package under Node (ES modules, and CommonJS through `require`):
// the module is compiled synchronously on import, so there is nothing to
// await; `init()` is there for code shared with browsers.
import { readFileSync } from 'node:fs';
import { initSync } from './casebook_wasm.js';
import './lifecycle.js';

initSync({ module: readFileSync(new URL('./casebook_wasm_bg.wasm', import.meta.url)) });

export * from './casebook_wasm.js';
export { CasebookError, isCasebookError } from './errors.js';

/** Resolves at once: under Node the module is ready on import. */
export default function init() {
  return Promise.resolve();
}
