// Bad input from JavaScript: every case is a clear CasebookError, never a
// crash, and the instance keeps working afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Casebook, validate, e164Pattern } from './load.mjs';

const OPTIONS = { config: { default_region: 'GB' }, clock: { start: '2026-03-02T09:00:00Z' }, id_seed: 3 };
const TEMPLATE = { id: 't', kind: 'profile', name: 'T', fields: [{ key: 'note', label: 'Note', type: 'text', multiline: true }] };
const HUGE = 'x'.repeat(10 * 1024 * 1024);
const LONE = ['\ud800', 'a\udc00b', 'end\ud83d'];

/** Calls `fn`: it may return, or throw a CasebookError (anything else fails). */
function clean(fn, label) {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    assert.ok(e instanceof Error, `${label}: threw a non-Error ${String(e)}`);
    assert.equal(e.name, 'CasebookError', `${label}: ${e.stack}`);
    assert.equal(typeof e.code, 'string', label);
    assert.ok(e.message.length > 0, label);
    return { ok: false, error: e };
  }
}

function refused(fn, code, label = '') {
  const r = clean(fn, label);
  assert.ok(!r.ok, `${label}: expected ${code}, got ${JSON.stringify(r.value)?.slice(0, 200)}`);
  assert.equal(r.error.code, code, `${label}: ${r.error.message.slice(0, 300)}`);
  return r.error;
}

/** The instance still answers ordinary calls. */
function stillWorks(cb) {
  const p = cb.createProfile('agent', { given_name: 'Still', family_name: `Works${Math.random()}` }, true);
  assert.equal(cb.profile(p.customerId).givenName, 'Still');
  assert.deepEqual(cb.checkInvariants(), []);
}

test('wrong types and missing arguments', () => {
  const cb = new Casebook(OPTIONS);
  const wrong = [5, true, {}, [], 'x', null, undefined, () => 1, Symbol('s'), new Map([[1, 2]])];
  for (const value of wrong) {
    clean(() => cb.profile(value), `profile(${String(value)})`);
    clean(() => cb.createProfile(value, value), `createProfile(${String(value)})`);
    clean(() => cb.createProfile('agent', value), `createProfile(agent, ${String(value)})`);
    clean(() => cb.updateProfile('agent', 'C-000001', value, {}), 'updateProfile version');
    clean(() => cb.findProfiles(value, value), 'findProfiles');
    clean(() => cb.recognize(value, value), 'recognize');
    clean(() => cb.setCaseStatus('a', 'CS1', 1, value), 'setCaseStatus');
    clean(() => cb.mergePreview(value), 'mergePreview');
    clean(() => cb.importSnapshot(value), 'importSnapshot');
    clean(() => cb.call('create_profile', value), 'call');
    clean(() => validate(value, value, value), 'validate');
  }
  refused(() => cb.profile(), 'invalid_input');
  refused(() => cb.createProfile('agent'), 'invalid_input');
  refused(() => cb.createProfile(undefined, {}), 'invalid_input');
  refused(() => cb.createProfile('agent', { given_name: 7 }), 'invalid_input');
  refused(() => cb.createProfile('agent', { given_name: 'A', shoe_size: 9 }), 'invalid_input');
  refused(() => cb.createCase('agent', 'a case'), 'invalid_input');
  refused(() => cb.updateProfile('agent', 'C-000001', -1, {}), 'invalid_input');
  refused(() => cb.updateProfile('agent', 'C-000001', 1.5, {}), 'invalid_input');
  refused(() => cb.findProfiles({ name: 'x' }, 1e20), 'invalid_input');
  refused(() => cb.recognize('voice'), 'invalid_input');
  refused(() => cb.call('profile', 'C-000001'), 'invalid_input');
  refused(() => cb.profile(() => 'C-000001'), 'invalid_input');
  refused(() => cb.profile(Symbol('C-000001')), 'invalid_input');
  refused(() => validate(TEMPLATE, {}, { draft: 'yes' }), 'invalid_input');
  refused(() => cb.call(7, {}), 'invalid_input');
  refused(() => cb.call(undefined), 'invalid_input');
  for (const code of ['44', 1.5, -1, 1000, 10n, null]) refused(() => e164Pattern(code), 'invalid_input', String(code));
  stillWorks(cb);
});

test('values JSON cannot carry: cycles, BigInts, deep nesting', () => {
  const cb = new Casebook(OPTIONS);
  const cycle = { given_name: 'A' };
  cycle.self = cycle;
  refused(() => cb.createProfile('agent', cycle), 'invalid_input', 'cycle');
  refused(() => cb.call('profile', { ref: 10n }), 'invalid_input', 'bigint');
  for (const depth of [130, 1000, 200_000]) {
    let deep = {};
    for (let i = 0; i < depth; i++) deep = { fields: deep };
    refused(() => cb.createProfile('agent', { given_name: 'A', fields: deep }), 'invalid_input', `depth ${depth}`);
    refused(() => validate(TEMPLATE, deep), 'invalid_input', `validate depth ${depth}`);
  }
  stillWorks(cb);
});

test('huge strings (10 MB) are refused or handled, never a crash', () => {
  const cb = new Casebook(OPTIONS);
  cb.loadTemplate('admin', TEMPLATE);
  const e = refused(() => cb.createProfile('agent', { given_name: HUGE }), 'validation_failed');
  assert.deepEqual(e.fieldErrors.map((f) => [f.field, f.code]), [['given_name', 'too_long']]);
  refused(() => cb.createProfile(HUGE, { family_name: 'X' }), 'invalid_input', 'huge actor');
  refused(() => cb.profile(HUGE), 'not_found', 'huge ref');
  refused(() => cb.call(HUGE, {}), 'invalid_input', 'huge op');
  clean(() => cb.recognize('voice', HUGE), 'huge caller number');
  clean(() => cb.recognize('email', HUGE), 'huge e-mail');
  clean(() => cb.findProfiles({ name: HUGE }), 'huge name search');
  clean(() => cb.searchCases(HUGE), 'huge case search');
  const report = validate(TEMPLATE, { note: HUGE });
  assert.deepEqual(report.errors.map((x) => x.code), ['too_long']);
  refused(() => cb.loadTemplate('admin', { ...TEMPLATE, id: HUGE }), 'invalid_template', 'huge template id');
  refused(() => cb.importSnapshot(HUGE), 'invalid_input', 'huge snapshot text');
  stillWorks(cb);
});

test('lone surrogates are refused, not silently replaced', () => {
  const cb = new Casebook(OPTIONS);
  cb.loadTemplate('admin', TEMPLATE);
  for (const text of LONE) {
    const e = refused(() => cb.createProfile('agent', { given_name: text }), 'invalid_input', JSON.stringify(text));
    assert.match(e.message, /lone surrogate/);
    refused(() => cb.profile(text), 'invalid_input');
    refused(() => cb.createProfile(text, { family_name: 'X' }), 'invalid_input');
    refused(() => cb.recognize('voice', text), 'invalid_input');
    refused(() => validate(TEMPLATE, { note: text }), 'invalid_input');
    refused(() => validate(TEMPLATE, { [text]: 'key' }), 'invalid_input');
    // The operation name is a plain string argument: a damaged name is simply unknown.
    refused(() => cb.call(text, {}), 'invalid_input');
  }
  // Well-formed astral characters are fine.
  const p = cb.createProfile('agent', { given_name: 'Zoë 😀', family_name: '𝒜da' });
  assert.equal(cb.profile(p.customerId).givenName, 'Zoë 😀');
  stillWorks(cb);
});

test('random arguments to every method: a result or a CasebookError', () => {
  let seed = 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const scalars = [0, -1, 1.5, 1e300, -0, NaN, Infinity, true, false, null, undefined, '', ' ', 'C-000001', 'CS0001001',
    'voice', 'phone', 'requester', 'resolved', 'work_note', '+44 20 7946 0958', 'ada@example.org', '2026-01-01',
    '00000000-0000-4000-8000-000000000000', '\u0000', 'é'.repeat(300), ...LONE];
  const value = (depth = 0) => {
    const r = rand();
    if (depth > 3 || r < 0.55) return pick(scalars);
    if (r < 0.75) return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1));
    const keys = ['given_name', 'family_name', 'contact_points', 'kind', 'value', 'fields', 'survivor', 'merged',
      'short_description', 'links', 'profile', 'role', 'channel', 'name', 'phone', 'format', 'template', 'id', 'x'];
    return Object.fromEntries(Array.from({ length: Math.floor(rand() * 5) }, () => [pick(keys), value(depth + 1)]));
  };
  const cb = new Casebook(OPTIONS);
  cb.loadTemplate('admin', TEMPLATE);
  cb.createProfile('agent', { given_name: 'Ada', family_name: 'Lovelace', contact_points: [{ kind: 'phone', value: '020 7946 0958' }] });
  const methods = Object.getOwnPropertyNames(Casebook.prototype)
    .filter((m) => !['constructor', 'free', '__destroy_into_raw'].includes(m) && !m.startsWith('__') && m !== Symbol.dispose);
  let calls = 0;
  for (let round = 0; round < 40; round++) {
    for (const m of methods) {
      const args = Array.from({ length: 5 }, () => value());
      clean(() => cb[m](...args), `${m}(${args.map((a) => String(a)).join(', ').slice(0, 200)})`);
      calls++;
    }
    clean(() => validate(value(), value(), value()), 'validate');
    clean(() => e164Pattern(value()), 'e164Pattern');
  }
  assert.ok(calls > 1000);
  stillWorks(cb);
});

test('a zero limit, NaN in a number slot and a clock running backwards are invalid_input', () => {
  const cb = new Casebook(OPTIONS);
  const p = cb.createProfile('agent', { given_name: 'Ada', family_name: 'Lovelace' }, true);
  refused(() => cb.findProfiles({ name: 'Ada' }, 0), 'invalid_input', 'findProfiles limit 0');
  refused(() => cb.searchCases('printer', 0), 'invalid_input', 'searchCases limit 0');
  refused(() => cb.contactHistory(p.customerId, undefined, undefined, 0), 'invalid_input', 'contactHistory limit 0');
  for (const bad of [NaN, Infinity, -Infinity]) {
    const e = refused(() => cb.findProfiles({ name: 'Ada' }, bad), 'invalid_input', `findProfiles limit ${bad}`);
    assert.match(e.message, /finite number/);
  }
  assert.equal(cb.findProfiles({ name: 'Ada' }, 1).length, 1);
  refused(() => new Casebook({ clock: { start: '2026-03-02T09:00:00Z', step_ms: -1 } }), 'invalid_input', 'negative step');
  stillWorks(cb);
});
