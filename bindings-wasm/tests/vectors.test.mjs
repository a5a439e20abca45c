// The shared vectors, run through the JavaScript package: the same answers
// as the Rust runner (tests/tests/vectors.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as api from './load.mjs';
import { camelize, loadVectors, runOperations, runValidation, subsetMatch, substitute } from './vectors.mjs';

test('validation vectors', () => {
  const problems = runValidation(api, loadVectors('validation.json'));
  assert.deepEqual(problems, []);
});

test('operation vectors', () => {
  const problems = runOperations(api, loadVectors('operations.json'));
  assert.deepEqual(problems, []);
});

test('service-level vectors', () => {
  const vectors = loadVectors('sla.json');
  const steps = vectors.scenarios.reduce((n, s) => n + s.steps.length, 0);
  assert.ok(steps > 20, `sla.json holds ${steps} steps`);
  const problems = runOperations(api, vectors);
  assert.deepEqual(problems, []);
});

test('caller vectors', () => {
  const vectors = loadVectors('callers.json');
  const recognitions = vectors.scenarios[0].steps.filter((s) => s.op === 'recognize').length;
  assert.ok(recognitions > 50, `callers.json holds ${recognitions} recognitions`);
  const problems = runOperations(api, vectors);
  assert.deepEqual(problems, []);
});

test('linked-record vectors', () => {
  const vectors = loadVectors('linked.json');
  assert.ok(vectors.scenarios[0].steps.length > 30, 'linked.json holds its steps');
  const problems = runOperations(api, vectors);
  assert.deepEqual(problems, []);
});

test('intake vectors', () => {
  const vectors = loadVectors('intake.json');
  const intakes = vectors.scenarios[0].steps.filter((s) => s.op === 'intake').length;
  assert.ok(intakes > 15, `intake.json holds ${intakes} messages`);
  const problems = runOperations(api, vectors);
  assert.deepEqual(problems, []);
});

test('subset match can fail, as the Rust one does', () => {
  assert.equal(subsetMatch({ a: 1 }, { a: 1, b: 2 }, ''), null);
  assert.notEqual(subsetMatch({ a: 2 }, { a: 1 }, ''), null);
  assert.notEqual(subsetMatch([1], [1, 2], ''), null);
  assert.notEqual(subsetMatch({ c: 1 }, { a: 1 }, ''), null);
  assert.equal(subsetMatch(1.0, 1, ''), null);
  assert.notEqual(subsetMatch({}, [], ''), null);
  assert.notEqual(subsetMatch(null, {}, ''), null);
});

test('wire names become camelCase outside data', () => {
  assert.deepEqual(
    camelize({ given_name: 'A', fields: { loyalty_tier: 1 }, contact_points: [{ is_primary: true }], __proto__x: 1 }),
    { givenName: 'A', fields: { loyalty_tier: 1 }, contactPoints: [{ isPrimary: true }], __proto__x: 1 },
  );
});

test('substitution follows object keys only', () => {
  const saved = { p: { id: 'x', list: ['a'] } };
  assert.equal(substitute('${p.id}', saved), 'x');
  assert.equal(substitute('${p.list.0}', saved), null);
  assert.equal(substitute('${q}', saved), null);
  assert.deepEqual(substitute({ r: ['${p.id}'] }, saved), { r: ['x'] });
});

test('a changed expectation is reported (the runner is not vacuous)', () => {
  const vectors = loadVectors('operations.json');
  vectors.scenarios = [vectors.scenarios[0]];
  vectors.scenarios[0].steps[0].expect.customer_id = 'C-999999';
  const problems = runOperations(api, vectors);
  // Once per shape of the arguments: as the vectors write them, and in camelCase.
  assert.equal(problems.length, 2, problems.join('\n'));
  assert.match(problems[0], /\[wire\].*customerId: expected "C-999999", got "C-000001"/);
  assert.match(problems[1], /\[camelCase\].*customerId: expected "C-999999", got "C-000001"/);

  const validation = loadVectors('validation.json');
  validation.cases = [validation.cases[0]];
  validation.cases[0].expect.errors.pop();
  assert.equal(runValidation(api, validation).length, 1);
});
