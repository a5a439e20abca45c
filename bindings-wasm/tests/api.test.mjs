// Every export of the Node package: success and failure paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pkg, {
  Casebook, Validator, validate, warmUp, operations, version, e164Pattern, CasebookError, isCasebookError,
} from './load.mjs';

const OPTIONS = {
  config: { default_region: 'GB' },
  clock: { start: '2026-03-02T09:00:00Z', step_ms: 1 },
  id_seed: 7,
};

const PROFILE_TEMPLATE = {
  id: 'customer', kind: 'profile', name: 'Customer',
  fields: [
    { key: 'segment', label: 'Segment', type: 'choice', required: true,
      options: [{ key: 'private', label: 'Private' }, { key: 'business', label: 'Business' }] },
    { key: 'ni_number', label: 'NI number', type: 'pattern', regex: '[A-CEGHJ-PR-TW-Z]{2}[0-9]{6}[A-D]', hint: 'AA999999A' },
  ],
};

const CASE_TEMPLATE = {
  id: 'ticket', kind: 'case', name: 'Ticket',
  fields: [{ key: 'reason', label: 'Reason', type: 'choice', required: true,
    options: [{ key: 'fault', label: 'Fault' }, { key: 'complaint', label: 'Complaint' }] }],
};

/** Runs `fn`, which must throw a CasebookError with `code`; returns the error. */
export function rejects(fn, code) {
  let error;
  assert.throws(fn, (e) => {
    error = e;
    return true;
  });
  assert.ok(error instanceof Error, `not an Error: ${error}`);
  assert.ok(error instanceof CasebookError, `not a CasebookError: ${error}`);
  assert.ok(isCasebookError(error));
  assert.equal(error.name, 'CasebookError', String(error));
  assert.equal(error.code, code, error.message);
  assert.equal(typeof error.status, 'number');
  assert.ok(Array.isArray(error.fieldErrors));
  assert.ok(!('fields' in error), 'the list is named field_errors, as in the JSON and C');
  assert.ok(error.message.length > 0);
  return error;
}

function engine() {
  const cb = new Casebook(OPTIONS);
  cb.loadTemplate('admin', PROFILE_TEMPLATE);
  cb.loadTemplate('admin', JSON.stringify(CASE_TEMPLATE));
  return cb;
}

function ada(cb, extra = {}) {
  return cb.createProfile('agent', {
    template: 'customer', given_name: 'Ada', family_name: 'Lovelace',
    contact_points: [{ kind: 'phone', value: '020 7946 0958', label: 'home' }, { kind: 'email', value: 'ada@example.org' }],
    fields: { segment: 'private' },
    ...extra,
  });
}

test('the package exports exactly the documented API', () => {
  assert.deepEqual(Object.keys(pkg).filter((k) => !k.startsWith('__')).sort(),
    ['Casebook', 'CasebookError', 'Validator', 'default', 'e164Pattern', 'initSync', 'isCasebookError',
      'operations', 'validate', 'version', 'warmUp']);
  const methods = Object.getOwnPropertyNames(Casebook.prototype)
    .filter((m) => m !== 'constructor' && !m.startsWith('__')).sort();
  assert.deepEqual(methods, [
    'acknowledgeEvents', 'addAttachment', 'addCaseEntry', 'addContactPoint', 'addTask', 'associateContact', 'auditLog', 'calendar', 'calendarAddBusiness', 'calendarBusinessTime',
    'calendarIsOpen', 'calendarNextOpening', 'calendars', 'call', 'case', 'caseContacts', 'caseLinks', 'caseMergePreview', 'caseRelations',
    'caseSlas', 'casesOfProfile', 'checkInvariants', 'completeHostRequest', 'contact', 'contactHistory', 'createCase', 'createProfile', 'customerCard',
    'dueSlaEvents', 'duplicateCandidates', 'duplicateCandidatesForDraft', 'duplicateReport', 'editTask', 'eventConsumer', 'eventsAfter', 'eventsFor', 'exportSnapshot', 'externalRecords', 'failHostRequest',
    'findProfiles', 'free', 'hostRequests', 'importSnapshot', 'intake', 'intakeMany', 'intakeRules', 'kpiReport', 'linkCase', 'linkExternalRecord', 'loadCalendar', 'loadIntakeRules',
    'loadReport', 'loadResponseTemplate', 'loadRoutingRules', 'loadSla', 'loadTemplate', 'logContact',
    'merge', 'mergeCases', 'mergePreview', 'mergeRecord', 'notifyCase', 'profile', 'profileAttachments', 'profileDashboard', 'profileRecord', 'profileSummary',
    'recognize', 'recordFeedback', 'relate', 'relateRecord',
    'relatedCustomers', 'removeAttachment', 'removeContactPoint', 'renderResponse', 'reportCsv', 'reportDefinition', 'reportDefinitions', 'requestExternalRecord', 'responseTemplate', 'responseTemplates', 'routeCase', 'routingRules', 'runReport', 'searchCases', 'setCaseStatus', 'setTaskStatus', 'slaDefinition', 'slaDefinitions', 'slaDue', 'taskList', 'template',
    'templates', 'trainMatching', 'unlinkCase', 'unlinkExternalRecord', 'unmerge', 'unmergeCases', 'unrelate', 'unrelateRecord', 'updateCase', 'updateContactPoint', 'updateProfile', 'validateCase',
    'validateProfile', 'validateRecord', 'wrapUpContact',
  ]);
});

test('version, operations, warmUp, e164Pattern', () => {
  assert.match(version(), /^\d+\.\d+\.\d+/);
  const ops = operations();
  assert.ok(ops.includes('create_profile') && ops.includes('import_snapshot'));
  assert.equal(new Set(ops).size, ops.length);
  assert.equal(typeof warmUp(), 'number');
  assert.ok(new RegExp(`^(?:${e164Pattern(44)})$`).test('+442079460958'));
  assert.equal(e164Pattern(999), undefined);
});

test('constructor: defaults, options, and bad options', () => {
  const plain = new Casebook();
  const p = plain.createProfile('a', { family_name: 'Nobody' });
  assert.match(p.id, /^[0-9a-f-]{36}$/);
  assert.match(p.createdAt, /^\d{4}-\d\d-\d\dT/);
  plain.free();
  new Casebook(undefined).free();
  new Casebook(null).free();
  rejects(() => new Casebook({ nonsense: 1 }), 'invalid_input');
  rejects(() => new Casebook({ config: { default_region: 'XX' } }), 'invalid_input');
  rejects(() => new Casebook('{}'), 'invalid_input');
  // Deterministic options give deterministic answers.
  const a = new Casebook(OPTIONS).createProfile('a', { family_name: 'Same' });
  const b = new Casebook(OPTIONS).createProfile('a', { family_name: 'Same' });
  assert.deepEqual(a, b);
  assert.match(a.createdAt, /^2026-03-02T09:00:00/);
});

test('templates: load, list, read, validate records', () => {
  const cb = engine();
  assert.deepEqual(cb.templates(), [{ id: 'customer', version: 1 }, { id: 'ticket', version: 1 }]);
  const def = cb.template('customer');
  assert.equal(def.fields[0].key, 'segment');
  assert.equal(cb.template('customer', 1).version, 1);
  rejects(() => cb.template('nope'), 'not_found');
  rejects(() => cb.loadTemplate('admin', { id: 'bad', kind: 'profile', name: 'B', fields: [{ key: 'x', type: 'pattern', regex: '(' }] }), 'invalid_template');
  rejects(() => cb.loadTemplate('', PROFILE_TEMPLATE), 'invalid_input');
  const report = cb.validateRecord('customer', { segment: 'gold', ni_number: 'QQ1' });
  assert.deepEqual(report.errors.map((e) => [e.field, e.code]), [['segment', 'not_an_option'], ['ni_number', 'invalid_format']]);
  const draft = cb.validateRecord('customer', {}, true);
  assert.deepEqual(draft.missing, [{ field: 'segment', label: 'Segment' }]);
  assert.equal(cb.validateRecord('customer', { segment: 'private' }, false, 1).errors.length, 0);
  rejects(() => cb.validateRecord('nope', {}), 'not_found');
});

test('form validation for profiles and cases', () => {
  const cb = engine();
  const v = cb.validateProfile({ template: 'customer', given_name: ' Ada ', contact_points: [{ kind: 'email', value: 'x@' }] });
  assert.equal(v.normalized.givenName, 'Ada');
  assert.deepEqual(v.errors.map((e) => e.field).sort(), ['contact_points[0].value', 'segment']);
  const d = cb.validateProfile({ template: 'customer', family_name: 'L' }, true);
  assert.deepEqual(d.missing.map((m) => m.field), ['segment']);
  const c = cb.validateCase({ template: 'ticket', short_description: '' });
  assert.ok(c.errors.some((e) => e.field === 'short_description' && e.code === 'required'));
  rejects(() => cb.validateProfile({ unknown: 1 }), 'invalid_input');
});

test('profiles: create, read, update, find, summary, relations', () => {
  const cb = engine();
  const p = ada(cb);
  assert.equal(p.customerId, 'C-000001');
  assert.equal(p.contactPoints[0].value, '+442079460958');
  assert.deepEqual(cb.profile('C-000001'), p);
  assert.deepEqual(cb.profile(p.id), p);
  assert.deepEqual(cb.profileRecord(p.id), p);
  assert.equal(cb.profileSummary('C-000001').displayName, 'Ada Lovelace');
  const e = rejects(() => cb.createProfile('agent', { template: 'customer', given_name: 'Ada', fields: { segment: 'gold' } }), 'validation_failed');
  assert.deepEqual(e.fieldErrors.map((f) => [f.field, f.code]), [['segment', 'not_an_option']]);
  assert.equal(e.status, 2);
  const updated = cb.updateProfile('agent2', 'C-000001', 1, { template: 'customer', given_name: 'Ada', family_name: 'King',
    contact_points: [{ kind: 'phone', value: '+442079460958' }], fields: { segment: 'business' } });
  assert.equal(updated.familyName, 'King');
  assert.equal(updated.version, 2);
  rejects(() => cb.updateProfile('agent3', 'C-000001', 1, { family_name: 'Byron' }), 'conflict');
  assert.equal(cb.findProfiles({ phone: '+44 (0)20 7946-0958' })[0].customerId, 'C-000001');
  assert.equal(cb.findProfiles({ name: 'ada' }, 5).length, 1);
  rejects(() => cb.findProfiles({ colour: 'red' }), 'invalid_input');
  rejects(() => cb.profile('C-000404'), 'not_found');
  rejects(() => cb.profileRecord('not-a-uuid'), 'invalid_input');
  const bob = cb.createProfile('agent', { template: 'customer', given_name: 'Bob', family_name: 'King', fields: { segment: 'private' } });
  const rel = cb.relate('agent', 'C-000001', bob.customerId, 'spouse', 'spouse');
  assert.deepEqual(rel.aToB, ['spouse']);
  assert.equal(cb.relatedCustomers('C-000001')[0].profile.customerId, bob.customerId);
  rejects(() => cb.relate('agent', 'C-000001', 'C-000001', 'self', 'self'), 'invalid_input');
  assert.equal(cb.unrelate('agent', 'C-000001', bob.customerId), undefined);
  assert.deepEqual(cb.relatedCustomers('C-000001'), []);
});

test('objects coming in may use camelCase names; field keys stay as written', () => {
  const cb = engine();
  const p = cb.createProfile('agent', { template: 'customer', givenName: 'Ada', familyName: 'Lovelace',
    contactPoints: [{ kind: 'phone', value: '020 7946 0958' }], fields: { segment: 'private', ni_number: 'AB123456C' } });
  assert.equal(p.givenName, 'Ada');
  assert.equal(p.contactPoints[0].value, '+442079460958');
  assert.equal(p.fields.ni_number, 'AB123456C');
  // A custom field key is data: written in camelCase it is not renamed, so the template does not know it.
  const e = rejects(() => cb.createProfile('agent', { template: 'customer', givenName: 'Bo', fields: { segment: 'private', niNumber: 'AB123456C' } }), 'validation_failed');
  assert.deepEqual(e.fieldErrors.map((f) => [f.field, f.code]), [['niNumber', 'unknown_field']]);
  // One property named twice is refused, not silently resolved.
  rejects(() => cb.createProfile('agent', { givenName: 'A', given_name: 'B' }), 'invalid_input');
  // The generic call takes camelCase operation and argument names too.
  const twin = cb.call('createProfile', { by: 'agent', input: { familyName: 'Lovelace', givenName: 'Ada', contactPoints: [{ kind: 'phone', value: '020 7946 0958' }] }, allowDuplicates: true });
  assert.equal(twin.familyName, 'Lovelace');
  assert.equal(cb.call('profile_summary', { ref: twin.customerId }).displayName, 'Ada Lovelace');
});

test('results come out in camelCase; custom field keys and values stay as stored', () => {
  const cb = engine();
  const p = cb.createProfile('agent', { template: 'customer', givenName: 'Ada', familyName: 'Lovelace',
    contactPoints: [{ kind: 'phone', value: '020 7946 0958' }], fields: { segment: 'private', ni_number: 'AB123456C' } });
  const c = cb.createCase('agent', { template: 'ticket', shortDescription: 'No signal', fields: { reason: 'fault' },
    links: [{ profile: p.customerId, role: 'requester' }] });
  const results = {
    profile: cb.profile(p.customerId), summary: cb.profileSummary(p.customerId), case: cb.case(c.number),
    links: cb.caseLinks(c.number), recognition: cb.recognize('voice', '+442079460958'), audit: cb.auditLog(p.id), draft: cb.recognize('voice', '+441134960000'),
    template: cb.template('customer'), report: cb.validateRecord('customer', { segment: 'private', ni_number: 'bad' }),
  };
  // Every key outside data (custom fields, a report's values, audit details) has no `_x`.
  const snake = [];
  const walk = (value, path) => {
    if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${path}[${i}]`));
    if (value === null || typeof value !== 'object') return;
    for (const [key, v] of Object.entries(value)) {
      if (/[a-z0-9]_[a-z]/.test(key)) snake.push(`${path}.${key}`);
      const data = (key === 'fields' && !Array.isArray(v)) || ['values', 'changed', 'details', 'default'].includes(key);
      if (!data) walk(v, `${path}.${key}`);
    }
  };
  walk(results, '');
  assert.deepEqual(snake, []);
  assert.equal(results.profile.customerId, p.customerId);
  assert.equal(results.profile.fields.ni_number, 'AB123456C');
  assert.equal(results.case.shortDescription, 'No signal');
  assert.equal(results.recognition.profile.givenName, 'Ada');
  assert.ok(results.report.errors.some((e) => e.field === 'ni_number'), JSON.stringify(results.report));
});

test('methods with long argument lists take one options object too', () => {
  const cb = engine();
  const a = ada(cb);
  const b = cb.createProfile('agent', { template: 'customer', givenName: 'Byron', familyName: 'Lovelace', fields: { segment: 'private' } });
  const r = cb.relate({ by: 'agent', a: a.customerId, b: b.customerId, aToB: 'child', bToA: 'parent' });
  assert.deepEqual(cb.relatedCustomers(a.customerId).map((x) => x.relationship), ['child']);
  assert.deepEqual(r.aToB, ['child']);
  const tagged = cb.relate({ by: 'agent', a: a.customerId, b: b.customerId, aToB: ['child', 'carer'], bToA: 'parent' });
  assert.deepEqual(tagged.aToB, ['child', 'carer']);
  assert.deepEqual(cb.relatedCustomers(a.customerId)[0].tags, ['child', 'carer']);
  const u = cb.updateProfile({ by: 'agent', ref: b.customerId, version: b.version,
    input: { template: 'customer', givenName: 'Byron', familyName: 'Lovelace', fields: { segment: 'business' } } });
  assert.equal(u.fields.segment, 'business');
  const c = cb.createCase('agent', { template: 'ticket', shortDescription: 'No signal', fields: { reason: 'fault' } });
  const linked = cb.linkCase({ by: 'agent', case: c.number, profile: a.customerId, role: 'requester' });
  assert.equal(linked.role, 'requester');
  const noted = cb.addCaseEntry({ by: 'agent', ref: c.number, kind: 'work_note', text: 'Rang back' });
  const moved = cb.setCaseStatus({ by: 'agent', ref: c.number, version: noted.version, status: 'in_progress' });
  assert.equal(moved.status, 'in_progress');
  const contact = cb.logContact('agent', { channel: 'voice', address: '+442079460958' });
  assert.equal(cb.associateContact({ by: 'agent', contact: contact.id, profile: a.customerId }).profileId, a.id);
  assert.equal(cb.contactHistory({ profile: a.customerId, limit: 1 }).length, 1);
  // The positional form gives the same answers.
  assert.deepEqual(cb.contactHistory(a.customerId, undefined, undefined, 1), cb.contactHistory({ profile: a.customerId, limit: 1 }));
  // A typo or a property given twice is refused, not ignored; NaN is still no number.
  const typo = rejects(() => cb.contactHistory({ profile: a.customerId, limt: 1 }), 'invalid_input');
  assert.match(typo.message, /limt/);
  rejects(() => cb.relate({ by: 'agent', a: a.customerId, b: b.customerId, aToB: 'x', a_to_b: 'y', bToA: 'z' }), 'invalid_input');
  rejects(() => cb.contactHistory({ profile: a.customerId, limit: NaN }), 'invalid_input');
  // Required arguments are named when missing.
  assert.match(rejects(() => cb.linkCase({ by: 'agent', case: c.number, role: 'requester' }), 'invalid_input').message, /profile/);
});

test('cases: create, read, update, status, entries, links, search', () => {
  const cb = engine();
  const p = ada(cb);
  const c = cb.createCase('agent', { template: 'ticket', short_description: 'Router has no signal', fields: { reason: 'fault' },
    links: [{ profile: p.customerId, role: 'requester' }], impact: 'high', urgency: 'high' });
  assert.equal(c.number, 'CS0001001');
  assert.equal(c.priority, 1);
  assert.deepEqual(cb.case('CS0001001'), c);
  const u = cb.updateCase('agent', c.number, 1, { template: 'ticket', short_description: 'Router: no signal', fields: { reason: 'fault' } });
  assert.equal(u.version, 2);
  rejects(() => cb.updateCase('agent', c.number, 1, { short_description: 'x' }), 'conflict');
  const s = cb.setCaseStatus('agent', c.number, 2, 'in_progress');
  assert.equal(s.status, 'in_progress');
  rejects(() => cb.setCaseStatus('agent', c.number, s.version, 'new'), 'illegal_transition');
  const r = cb.setCaseStatus('agent', c.number, s.version, 'resolved', { notes: 'Replaced the router' });
  assert.equal(r.resolution.notes, 'Replaced the router');
  const n = cb.addCaseEntry('agent', c.number, 'work_note', 'Called the customer');
  assert.ok(n.timeline.some((t) => t.kind === 'work_note'));
  rejects(() => cb.addCaseEntry('agent', c.number, 'gossip', 'x'), 'invalid_input');
  const bob = cb.createProfile('agent', { template: 'customer', given_name: 'Bob', family_name: 'Stone', fields: { segment: 'private' } });
  assert.equal(cb.linkCase('agent', c.number, bob.customerId, 'affected').role, 'affected');
  rejects(() => cb.linkCase('agent', c.number, 'C-000404', 'affected'), 'not_found');
  rejects(() => cb.linkCase('agent', c.number, bob.customerId, 'boss'), 'invalid_input');
  assert.equal(cb.caseLinks(c.number).length, 2);
  assert.equal(cb.unlinkCase('agent', c.number, bob.customerId), undefined);
  assert.equal(cb.caseLinks(c.number).length, 1);
  assert.equal(cb.casesOfProfile(p.customerId)[0].role, 'requester');
  assert.equal(cb.casesOfProfile(p.customerId, true).length, 0);
  assert.equal(cb.searchCases('router')[0].number, c.number);
  assert.equal(cb.searchCases('router', 1).length, 1);
  rejects(() => cb.case('CS9999999'), 'not_found');
  rejects(() => cb.createCase('agent', { template: 'ticket', short_description: 'x' }), 'validation_failed');
});

test('contacts and recognition', () => {
  const cb = engine();
  const p = ada(cb);
  const c = cb.createCase('agent', { template: 'ticket', short_description: 'Bill too high', fields: { reason: 'complaint' } });
  const contact = cb.logContact('agent', { channel: 'voice', address: '+44 20 7946 0958', summary: 'Asked about the bill' });
  assert.equal(contact.profileId, undefined);
  const assoc = cb.associateContact('agent', contact.id, p.customerId, c.number);
  assert.equal(assoc.profileId, p.id);
  assert.deepEqual(cb.contact(contact.id), assoc);
  assert.equal(cb.contactHistory(p.customerId).length, 1);
  assert.equal(cb.contactHistory(p.customerId, '2020-01-01T00:00:00Z', new Date('2100-01-01'), 10).length, 1);
  assert.equal(cb.caseContacts(c.number).length, 1);
  rejects(() => cb.contact('00000000-0000-4000-8000-000000000000'), 'not_found');
  rejects(() => cb.logContact('agent', { channel: 'pigeon' }), 'invalid_input');
  const known = cb.recognize('voice', '+44 (0)20 7946-0958');
  assert.equal(known.outcome, 'known');
  assert.equal(known.summary.displayName, 'Ada Lovelace');
  const unknown = cb.recognize('email', 'nobody@example.com');
  assert.equal(unknown.outcome, 'unknown');
  assert.equal(unknown.draft.contactPoints[0].kind, 'email');
  const twin = cb.createProfile('agent', { template: 'customer', given_name: 'Charles', family_name: 'Babbage', fields: { segment: 'private' },
    contact_points: [{ kind: 'phone', value: '020 7946 0958' }] });
  assert.ok(twin.customerId);
  const several = cb.recognize('voice', '02079460958');
  assert.equal(several.outcome, 'several');
  assert.equal(several.candidates.length, 2);
  rejects(() => cb.recognize('pigeon', 'x'), 'invalid_input');
});

test('a reversed contact history range is invalid input, and the instance keeps working', () => {
  const cb = engine();
  const p = ada(cb);
  cb.logContact('agent', { channel: 'voice', address: '+44 20 7946 0958', profile: p.customerId });
  const e = rejects(() => cb.contactHistory(p.customerId, '2026-06-01T00:00:00Z', new Date('2026-01-01')), 'invalid_input');
  assert.doesNotMatch(e.message, /unreachable|panic|bug/i);
  // No trap: the same instance still writes and reads.
  const again = cb.logContact('agent', { channel: 'email', address: 'ada@example.org', profile: p.customerId });
  assert.equal(cb.contact(again.id).summary, again.summary);
  assert.equal(cb.contactHistory(p.customerId).length, 2);
  assert.equal(cb.contactHistory(p.customerId, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z').length, 0);
  const bob = cb.createProfile('agent', { template: 'customer', given_name: 'Bob', family_name: 'Stone', fields: { segment: 'private' } });
  assert.equal(cb.profile(bob.customerId).familyName, 'Stone');
  assert.deepEqual(cb.checkInvariants(), []);
});

test('updateCase without impact or urgency keeps the case\'s own', () => {
  const cb = engine();
  const c = cb.createCase('agent', { template: 'ticket', short_description: 'Outage', fields: { reason: 'fault' },
    impact: 'high', urgency: 'medium' });
  assert.equal(c.priority, 2);
  const u = cb.updateCase('agent', c.number, c.version, { template: 'ticket', short_description: 'Outage in town', fields: { reason: 'fault' } });
  assert.equal(u.shortDescription, 'Outage in town');
  assert.deepEqual([u.impact, u.urgency, u.priority], ['high', 'medium', 2]);
  // Given ones still replace them.
  const v = cb.updateCase('agent', c.number, u.version, { template: 'ticket', short_description: 'Outage in town', fields: { reason: 'fault' },
    impact: 'low', urgency: 'low' });
  assert.deepEqual([v.impact, v.urgency, v.priority], ['low', 'low', 5]);
});

test('duplicates, merge preview, merge, unmerge, audit', () => {
  const cb = engine();
  const a = ada(cb);
  const e = rejects(() => ada(cb, { given_name: 'Ada', contact_points: [{ kind: 'email', value: 'ada@example.org' }] }), 'duplicate_suspected');
  assert.equal(e.candidates[0].profile.customerId, a.customerId);
  const dup = cb.createProfile('agent', { template: 'customer', given_name: 'Ada', family_name: 'Lovelace', fields: { segment: 'private' },
    contact_points: [{ kind: 'email', value: 'ada@example.org' }] }, true);
  const candidates = cb.duplicateCandidates(dup.customerId);
  assert.ok(candidates.length >= 1);
  assert.ok(candidates[0].reasons.length >= 1);
  assert.ok(cb.duplicateCandidatesForDraft({ given_name: 'Ada', family_name: 'Lovelace',
    contact_points: [{ kind: 'email', value: 'ada@example.org' }] }).length >= 1);
  assert.deepEqual(cb.duplicateCandidatesForDraft({ family_name: 'Zzyzx' }), []);
  const report = cb.duplicateReport();
  assert.ok(report.clusters.length >= 1);
  const plan = { survivor: a.customerId, merged: dup.customerId };
  const preview = cb.mergePreview(plan);
  assert.equal(preview.survivor.customerId, a.customerId);
  assert.deepEqual(preview.problems, []);
  const outcome = cb.merge('agent', plan);
  assert.equal(outcome.tombstone.mergedInto, a.id);
  assert.equal(cb.profile(dup.customerId).customerId, a.customerId);
  assert.equal(cb.mergeRecord(outcome.mergeId).status, 'merged');
  rejects(() => cb.merge('agent', plan), 'invalid_state');
  const undone = cb.unmerge('agent', outcome.mergeId);
  assert.equal(undone.restored.customerId, dup.customerId);
  assert.equal(cb.mergeRecord(outcome.mergeId).status, 'unmerged');
  rejects(() => cb.unmerge('agent', outcome.mergeId), 'unmerge_refused');
  rejects(() => cb.mergePreview({ survivor: a.customerId }), 'invalid_input');
  assert.ok(cb.auditLog().length >= 2);
  assert.ok(cb.auditLog(a.id).some((x) => x.action === 'merge'));
  assert.deepEqual(cb.checkInvariants(), []);
});

test('call runs any operation and refuses unknown ones', () => {
  const cb = engine();
  const p = cb.call('create_profile', { by: 'agent', input: { template: 'customer', family_name: 'Lovelace', fields: { segment: 'private' } } });
  assert.equal(p.customerId, 'C-000001');
  assert.deepEqual(cb.call('templates'), cb.templates());
  rejects(() => cb.call('teleport', {}), 'invalid_input');
  rejects(() => cb.call('profile', [1]), 'invalid_input');
  rejects(() => cb.call('profile', {}), 'invalid_input');
  // Every listed operation is dispatched: empty arguments give a result or an argument error.
  for (const op of operations()) {
    try {
      cb.call(op, {});
    } catch (e) {
      assert.equal(e.name, 'CasebookError');
      assert.doesNotMatch(e.message, /unknown operation/);
    }
  }
});

test('snapshots: export, import into an empty casebook, refusals', () => {
  const cb = engine();
  const p = ada(cb);
  cb.createCase('agent', { template: 'ticket', short_description: 'Slow line', fields: { reason: 'fault' }, links: [{ profile: p.customerId, role: 'requester' }] });
  const bytes = cb.exportSnapshot();
  assert.ok(bytes instanceof Uint8Array);
  const json = JSON.parse(new TextDecoder().decode(bytes));
  assert.equal(json.format, 1);
  for (const input of [bytes, new TextDecoder().decode(bytes), json]) {
    const copy = new Casebook(OPTIONS);
    assert.equal(copy.importSnapshot(input), undefined);
    assert.deepEqual(copy.profile(p.customerId), p);
    assert.equal(copy.case('CS0001001').shortDescription, 'Slow line');
    assert.deepEqual(copy.exportSnapshot(), bytes);
    copy.free();
  }
  rejects(() => cb.importSnapshot(bytes), 'invalid_state');
  const future = new Casebook();
  const e = rejects(() => future.importSnapshot({ ...json, format: 2 }), 'incompatible_version');
  assert.match(e.message, /format 2/);
  // A newer format whose shape changed is still refused for its format, not its shape.
  rejects(() => future.importSnapshot({ format: 3, profiles: 'elsewhere' }), 'incompatible_version');
  rejects(() => future.importSnapshot({ format: 1, profiles: 'elsewhere' }), 'invalid_input');
  rejects(() => future.importSnapshot(new Uint8Array([0xff, 0xfe])), 'invalid_input');
  rejects(() => future.importSnapshot('not json'), 'invalid_input');
  rejects(() => future.importSnapshot(42), 'invalid_input');
  // The refused imports left it empty and usable.
  future.importSnapshot(bytes);
  assert.equal(future.profile(p.customerId).givenName, 'Ada');
});

test('a Validator finds exactly the errors of validate, compiled once', () => {
  const template = {
    id: 't', kind: 'profile', name: 'T', fields: [
      { key: 'mail', label: 'E-mail', type: 'email', required: true },
      { key: 'tel', label: 'Phone', type: 'phone' },
      { key: 'born', label: 'Born', type: 'date', not_in_future: true },
      { key: 'tags', label: 'Tags', type: 'choice', multiple: true, options: [{ key: 'a', label: 'A' }] },
    ],
  };
  const options = { default_region: 'GB', today: '2026-01-01' };
  const validator = new Validator(template, options);
  const records = [
    { mail: 'a@example.org', tel: '020 7946 0958' },
    { mail: 'x@', born: '2030-01-01', tags: ['a', 'b'], colour: 'red' },
    {}, null, { mail: '\u00e9@example.org', tel: 12 },
  ];
  for (const record of records) {
    const report = validate(template, record, options);
    assert.deepEqual(validator.check(record), report.errors, JSON.stringify(record));
    // A form posted as JSON text, and the whole report with the normalised values.
    assert.deepEqual(validator.check(JSON.stringify(record)), report.errors);
    assert.deepEqual(validator.validate(record), report);
    assert.deepEqual(validator.validate(JSON.stringify(record)), report);
  }
  assert.equal(validator.validate({ mail: 'a@example.org', tel: '020 7946 0958' }).values.tel, '+442079460958');
  // A record that is not an object names no field: it is invalid input.
  for (const notARecord of [[1], 'x', '"text"', '[1]', 7, true, '{"mail": ']) {
    rejects(() => validator.check(notARecord), 'invalid_input');
    rejects(() => validator.validate(notARecord), 'invalid_input');
  }
  rejects(() => validate(template, [1], options), 'invalid_input');
  assert.deepEqual(validator.check({ mail: 'x@' }).map((e) => e.code), ['invalid_format']);
  assert.deepEqual(new Validator(template, true).check({}), []);
  rejects(() => validator.check({ mail: '\ud800' }), 'invalid_input');
  rejects(() => validator.check(10n), 'invalid_input');
  rejects(() => new Validator({ id: 't' }), 'invalid_template');
  rejects(() => new Validator(template, { colour: 'red' }), 'invalid_input');
  assert.deepEqual(validator.check({ mail: 'b@example.org' }), []);
});

test('validate works without a store', () => {
  const template = {
    id: 't', kind: 'profile', name: 'T', fields: [
      { key: 'mail', label: 'E-mail', type: 'email', required: true },
      { key: 'tel', label: 'Phone', type: 'phone' },
      { key: 'born', label: 'Born', type: 'date', not_in_future: true },
    ],
  };
  const ok = validate(template, { mail: 'a@example.org', tel: '020 7946 0958' }, { default_region: 'GB' });
  assert.deepEqual(ok.errors, []);
  assert.equal(ok.values.tel, '+442079460958');
  const bad = validate(template, { mail: 'x@', born: '2030-01-01' }, { today: '2026-01-01' });
  assert.deepEqual(bad.errors.map((e) => e.code), ['invalid_format', 'in_future']);
  assert.deepEqual(validate(template, {}, { draft: true }).missing.map((m) => m.field), ['mail']);
  assert.deepEqual(validate(template, {}, true).missing.map((m) => m.field), ['mail']);
  assert.deepEqual(validate(template, {}, false).errors.map((e) => e.code), ['required']);
  assert.deepEqual(validate(template, {}).errors.map((e) => e.code), ['required']);
  rejects(() => validate(template, [1]), 'invalid_input');
  rejects(() => validate({ id: 't' }, {}), 'invalid_template');
  rejects(() => validate(template, {}, { today: 'tomorrow' }), 'invalid_input');
  rejects(() => validate(template, {}, { colour: 'red' }), 'invalid_input');
  rejects(() => validate(template, {}, { default_region: 'XX' }), 'invalid_input');
});

/** 120 people, most entered twice with a typo or a missing field, as stores hold them. */
function peopleEnteredTwice(cb) {
  const given = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Tony', 'Radia', 'Ken'];
  const family = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Hoare', 'Perlman', 'Thompson', 'Ritchie', 'Kay'];
  const typo = (s) => s.slice(0, 2) + s[3] + s[2] + s.slice(4);
  const pairs = [];
  for (let i = 0; i < 120; i += 1) {
    const person = {
      given_name: given[i % given.length],
      family_name: family[(i * 7) % family.length],
      date_of_birth: `19${50 + (i % 40)}-0${1 + (i % 9)}-${10 + (i % 18)}`,
      contact_points: [{ kind: 'phone', value: `020 7946 ${String(1000 + i).padStart(4, '0')}` }],
    };
    const first = cb.createProfile('import', person, true);
    if (i % 4 === 3) continue;
    const again = i % 2 === 0
      ? { ...person, family_name: typo(person.family_name) }
      : { ...person, contact_points: [] };
    pairs.push([first.customerId, cb.createProfile('import', again, true).customerId].sort().join(' '));
  }
  return new Set(pairs);
}

test('trainMatching learns weights from the store and they plug back in', () => {
  const cb = new Casebook(OPTIONS);
  rejects(() => cb.trainMatching(), 'invalid_state');
  const truth = peopleEnteredTwice(cb);
  const training = cb.trainMatching();
  assert.ok(training.pairs >= 50, `${training.pairs} pairs`);
  assert.ok(training.converged);
  assert.ok(training.matchShare > 0 && training.matchShare < 1);
  const dob = training.rules.find((r) => r.field === 'date_of_birth');
  assert.ok(dob.learned);
  assert.ok(dob.levels.find((l) => l.level === 'agree').bits > 0);
  assert.deepEqual(training.config.rules.map((r) => r.field), training.rules.map((r) => r.field));

  // The learned configuration builds an engine that finds the same people.
  const trained = new Casebook({ ...OPTIONS, config: { ...OPTIONS.config, matching: training.config } });
  const again = peopleEnteredTwice(trained);
  const found = new Set(trained.duplicateReport().clusters.flatMap((c) => c.pairs.map((p) => [p.a, p.b].sort().join(' '))));
  const correct = [...found].filter((p) => again.has(p)).length;
  assert.ok(correct >= 0.9 * again.size, `${correct} of ${again.size} pairs found`);
  assert.ok(correct >= 0.95 * found.size, `${found.size - correct} wrong pairs`);
  assert.equal(truth.size, again.size);
});
