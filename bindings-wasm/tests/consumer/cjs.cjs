// CommonJS using the installed package by name.
const assert = require('node:assert/strict');
const { Casebook, isCasebookError } = require('casebook-wasm');

const cb = new Casebook();
assert.equal(cb.createProfile('agent', { familyName: 'Byron' }).familyName, 'Byron');
assert.throws(() => cb.case('CASE-404'), (e) => isCasebookError(e) && e.code === 'not_found');
cb.free();
console.log('CommonJS: ok');
