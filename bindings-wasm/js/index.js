// The package for browsers, bundlers and workers: call the default export
// (`await init()`) once before anything else; it fetches and compiles
// casebook_wasm_bg.wasm beside this file (or takes `{ module_or_path }`).
import './lifecycle.js';

export { default } from './casebook_wasm.js';
export * from './casebook_wasm.js';
export { CasebookError, isCasebookError } from './errors.js';
