// The package as a new user meets it: one module for ES modules and
// CommonJS, an exported error class, instances that refuse use after
// free(), and result objects no key can give a prototype.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { Casebook, Validator, CasebookError, isCasebookError } from './load.mjs';
import { rejects } from './api.test.mjs';

test('CommonJS require gets the same module, already initialised', () => {
  const require = createRequire(import.meta.url);
  const cjs = require('../pkg/node.js');
  assert.equal(cjs.Casebook, Casebook);
  assert.equal(cjs.CasebookError, CasebookError);
  const cb = new cjs.Casebook();
  assert.equal(cb.createProfile('a', { family_name: 'Common' }).familyName, 'Common');
  cb.free();
});

test('CasebookError is a class: instanceof, a type guard, the core\'s code and status', () => {
  const cb = new Casebook();
  try {
    cb.profile('C-404');
    assert.fail('no error');
  } catch (e) {
    assert.ok(e instanceof CasebookError && e instanceof Error);
    assert.ok(isCasebookError(e));
    assert.equal(e.name, 'CasebookError');
    assert.equal(e.code, 'not_found');
    assert.equal(e.status, 4);
    assert.deepEqual(e.fieldErrors, []);
    assert.match(e.stack, /CasebookError/);
  }
  assert.equal(isCasebookError(new Error('x')), false);
  assert.equal(isCasebookError({ name: 'CasebookError', code: 'not_found', status: 4 }), false);
  assert.equal(isCasebookError(undefined), false);
  // One thrown by another copy of the package (or passed on from a worker) still counts.
  const foreign = Object.assign(new Error('elsewhere'), { name: 'CasebookError', code: 'conflict', status: 5 });
  assert.equal(isCasebookError(foreign), true);
  const failed = rejects(() => cb.createProfile('a', { given_name: 'x'.repeat(500) }), 'validation_failed');
  assert.equal(failed.fieldErrors[0].field, 'given_name');
  cb.free();
});

test('a freed instance and a second free() throw invalid_state', () => {
  const cb = new Casebook();
  cb.createProfile('a', { family_name: 'Before' });
  cb.free();
  for (const call of [() => cb.profile('C-000001'), () => cb.templates(), () => cb.call('templates', {}),
    () => cb.exportSnapshot(), () => cb.free(), () => cb[Symbol.dispose]()]) {
    const e = rejects(call, 'invalid_state');
    assert.match(e.message, /Casebook.*freed/);
  }
  const validator = new Validator({ id: 't', kind: 'profile', name: 'T', fields: [] });
  validator[Symbol.dispose]();
  rejects(() => validator.check({}), 'invalid_state');
  rejects(() => validator.free(), 'invalid_state');
  // Other instances are untouched.
  const other = new Casebook();
  assert.equal(other.templates().length, 0);
  other.free();
});

test('no key of a result sets a prototype', () => {
  const cb = new Casebook({ id_seed: 1 });
  cb.createProfile('a', { family_name: 'Plain' });
  const snapshot = JSON.parse(new TextDecoder().decode(cb.exportSnapshot()));
  // A snapshot carrying a `__proto__` field key is refused by the core.
  const tampered = structuredClone(snapshot);
  const record = tampered.profiles[0];
  record.fields = JSON.parse('{"__proto__": {"is_admin": true}}');
  const copy = new Casebook();
  rejects(() => copy.importSnapshot(JSON.stringify(tampered)), 'invalid_input');
  // Every object handed out has Object.prototype and only own data keys.
  const profile = cb.profile('C-000001');
  assert.equal(Object.getPrototypeOf(profile), Object.prototype);
  assert.equal(Object.getPrototypeOf(profile.fields), Object.prototype);
  assert.equal(profile.fields.is_admin, undefined);
  // Through validation, where keys come from the caller: `__proto__` is an own key, never a prototype.
  const validator = new Validator({ id: 't', kind: 'profile', name: 'T', fields: [] });
  const errors = validator.check('{"__proto__": {"is_admin": true}}');
  assert.equal(errors[0].code, 'unknown_field');
  assert.equal(Object.getPrototypeOf(errors[0]), Object.prototype);
  cb.free();
  copy.free();
});
