export * from './casebook_wasm.js';
export { default } from './casebook_wasm.js';
export { CasebookError, isCasebookError } from './errors.js';
