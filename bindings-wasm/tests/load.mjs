// The package as Node loads it (bindings-wasm/pkg/node.js, made by
// scripts/test-wasm), and the error check the test files share.
import assert from 'node:assert/strict';
import * as pkg from '../pkg/node.js';

export const {
  Casebook, Validator, validate, warmUp, operations, version, e164Pattern, CasebookError, isCasebookError,
} = pkg;
export default pkg;

// The check every test file shares: `fn` throws a CasebookError with
// `code`; the error is returned for further checks.
export function rejects(fn, code) {
  let error;
  assert.throws(fn, (e) => {
    error = e;
    return true;
  });
  assert.equal(error.name, 'CasebookError', String(error));
  assert.equal(error.code, code, error.message);
  return error;
}
