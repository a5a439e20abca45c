// An ES module using the installed package by name, as a new user would.
import assert from 'node:assert/strict';
import init, { Casebook, CasebookError, isCasebookError, Validator } from 'casebook-wasm';

await init(); // a no-op under Node, needed in browsers: shared code calls it everywhere
const cb = new Casebook({ config: { defaultRegion: 'GB' } });
cb.createProfile('agent', { familyName: 'Lovelace', contactPoints: [{ kind: 'phone', value: '020 7946 0958' }] });
assert.equal(cb.recognize('voice', '+44 20 7946 0958').outcome, 'known');
assert.throws(() => cb.profile('C-404'), (e) => e instanceof CasebookError && isCasebookError(e) && e.code === 'not_found');
const validator = new Validator({ id: 't', kind: 'profile', name: 'T', fields: [{ key: 'age', type: 'integer' }] });
assert.equal(validator.check('{"age": "x"}')[0].code, 'wrong_type');
cb.free();
assert.throws(() => cb.templates(), (e) => isCasebookError(e) && e.code === 'invalid_state');
console.log('ES module: ok');
