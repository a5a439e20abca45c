// Case intake through the JavaScript package, as a web agent desktop or a
// form backend uses it: rules loaded as objects, messages in camelCase,
// each taken once, web forms validated by the same rules as the browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Casebook, Validator, rejects } from './load.mjs';

const OPTIONS = {
  config: { defaultRegion: 'GB' },
  clock: { start: '2026-03-02T09:00:00Z', stepMs: 1 },
  idSeed: 5,
};

const WEB_CASE = {
  id: 'web_case', kind: 'case', name: 'Web case',
  fields: [
    { key: 'topic', label: 'Topic', type: 'choice', required: true,
      options: [{ key: 'billing', label: 'Billing' }, { key: 'fault', label: 'Fault' }] },
    { key: 'order_number', label: 'Order number', type: 'pattern', regex: '[0-9]{8}', hint: '8 digits' },
  ],
};

/** Runs `fn`, which must throw a CasebookError with `code`; returns the error. */

function engine() {
  const cb = new Casebook(OPTIONS);
  cb.loadTemplate('admin', WEB_CASE);
  cb.loadIntakeRules('admin', {
    rules: [
      { name: 'thanks', when: { subjectAny: ['thank you'], bodyMaxWords: 10 }, action: 'log' },
      { name: 'forms', when: { channels: ['web'] }, action: 'open', unknownSender: 'create_profile',
        case: { template: 'web_case', supportGroup: 'web-desk' } },
    ],
  });
  return cb;
}

test('a reply joins its case, a redelivery is taken once', () => {
  const cb = engine();
  assert.equal(cb.intakeRules().version, 1);
  assert.equal(cb.intakeRules().rules[1].unknownSender, 'create_profile');
  const mail = { channel: 'email', from: 'Ada Lovelace <ada@example.org>', subject: 'Router down', messageId: '<a1@example.org>' };
  const opened = cb.intake('mailer', mail);
  assert.equal(opened.decision, 'opened');
  assert.equal(opened.caseNumber, 'CS0001001');
  assert.equal(opened.draft.givenName, 'Ada');
  assert.equal(cb.intake('mailer', mail).replayed, true);
  const reply = cb.intake('mailer', {
    channel: 'email', from: 'ada@example.org', subject: 'Re: Router down',
    messageId: '<a2@example.org>', inReplyTo: '<a1@example.org>',
    headers: { 'X-Mailer': 'Thunderbird' },
  });
  assert.equal(reply.decision, 'joined');
  assert.equal(reply.foundBy, 'thread');
  assert.match(reply.text, /^joined CS0001001 \(thread\)/);
  const thanks = cb.intake('mailer', {
    channel: 'email', from: 'ada@example.org', subject: 'Thank you', body: 'all good',
    messageId: '<a3@example.org>', references: ['<a1@example.org> <a2@example.org>'],
  });
  assert.equal(thanks.decision, 'logged');
  assert.equal(thanks.rule, 'thanks');
  assert.equal(cb.caseContacts('CS0001001').length, 3);
  const batch = cb.intakeMany('mailer', [
    { channel: 'email', from: 'kim@example.org', subject: 'Lost parcel', messageId: '<k1@example.org>' },
    { channel: 'email', from: 'kim@example.org', subject: 'Re: Lost parcel', messageId: '<k2@example.org>', inReplyTo: '<k1@example.org>' },
    mail,
  ]);
  assert.deepEqual(batch.map((o) => [o.decision, o.caseNumber, Boolean(o.replayed)]),
    [['opened', 'CS0001002', false], ['joined', 'CS0001002', false], ['opened', 'CS0001001', true]]);
});

test('a web form post is validated exactly as the browser validates it', () => {
  const cb = engine();
  const fields = { order_number: '12' };
  const browser = new Validator(WEB_CASE).check(fields);
  const error = rejects(() => cb.intake('web', { channel: 'web', from: 'lin@example.org', subject: 'Order', form: { fields } }),
    'validation_failed');
  assert.deepEqual(error.fieldErrors.map((e) => [e.field, e.code]), browser.map((e) => [e.field, e.code]));
  const filed = cb.intake('web', { channel: 'web', from: 'lin@example.org', subject: 'Order', messageId: 'f-1',
    form: { fields: { topic: 'fault', order_number: '12345678' } } });
  assert.equal(filed.rule, 'forms');
  assert.equal(filed.decision, 'opened');
  const c = cb.case(filed.caseNumber);
  assert.equal(c.supportGroup, 'web-desk');
  assert.deepEqual(c.fields, { topic: 'fault', order_number: '12345678' });
});

test('bad messages and rules are refused with stable codes', () => {
  const cb = engine();
  rejects(() => cb.intake('mailer', { channel: 'email' }), 'invalid_input');
  rejects(() => cb.intake('mailer', { channel: 'email', from: 'a@b.org', colour: 'red' }), 'invalid_input');
  rejects(() => cb.intake('mailer', { channel: 'email', from: ' ' }), 'validation_failed');
  rejects(() => cb.intake('mailer', 'not an object'), 'invalid_input');
  rejects(() => cb.loadIntakeRules('admin', { rules: [{ name: 'x', action: 'explode' }] }), 'invalid_definition');
  rejects(() => cb.loadIntakeRules('admin', '{'), 'invalid_definition');
  assert.equal(cb.intakeRules().version, 1);
});

test('one contact point at a time', () => {
  const cb = engine();
  const p = cb.createProfile('agent', { givenName: 'Sam', familyName: 'Jones',
    contactPoints: [{ kind: 'email', value: 'sam@example.org' }] });
  const added = cb.addContactPoint('agent', p.customerId, p.version, { kind: 'phone', value: '07400 123456', label: 'mobile' });
  assert.deepEqual(added.contactPoints.map((c) => c.value), ['sam@example.org', '+447400123456']);
  rejects(() => cb.addContactPoint('agent', p.customerId, p.version, { kind: 'phone', value: '07400 123457' }), 'conflict');
  const changed = cb.updateContactPoint('agent', p.customerId, added.version, '+447400123456', { kind: 'phone', value: '07400 123457' });
  assert.equal(changed.contactPoints[1].value, '+447400123457');
  const removed = cb.removeContactPoint('agent', p.customerId, changed.version, 'sam@example.org');
  assert.deepEqual(removed.contactPoints.map((c) => c.kind), ['phone']);
  rejects(() => cb.removeContactPoint('agent', p.customerId, removed.version, 'sam@example.org'), 'not_found');
  assert.deepEqual(cb.auditLog(p.id).map((a) => a.action),
    ['contact_point_added', 'contact_point_changed', 'contact_point_removed']);
});
