// Response templates and case notifications through the JavaScript
// package, as an agent desktop uses them: a canned reply previewed for the
// customer on screen, and a message to every customer on a case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Casebook, rejects } from './load.mjs';

const OPTIONS = { config: { defaultRegion: 'GB' }, clock: { start: '2026-03-02T09:00:00Z', stepMs: 1 }, idSeed: 13 };

test('a notification reaches every customer it can, and says who it cannot', () => {
  const cb = new Casebook(OPTIONS);
  const t = cb.loadResponseTemplate('admin', {
    id: 'refund', name: 'Refund sent', channel: 'sms',
    body: 'Hi {{ profile.given_name }}, the refund for {{ case.number }} is on its way.',
  });
  assert.equal(t.version, 1);
  assert.deepEqual(t.placeholders, ['case.number', 'profile.given_name']);
  assert.equal(cb.loadResponseTemplate('admin', JSON.stringify({
    id: 'refund', name: 'Refund sent', channel: 'sms', body: t.body })).version, 1);
  rejects(() => cb.loadResponseTemplate('admin', { id: 'x', name: 'X', channel: 'sms', body: '{{ case.nmber }}' }), 'invalid_definition');
  rejects(() => cb.loadResponseTemplate('admin', { id: 'x', name: 'X', channel: 'sms', subject: 'S', body: 'b' }), 'invalid_definition');

  const ann = cb.createProfile('agent', { givenName: 'Ann', familyName: 'Okafor',
    contactPoints: [{ kind: 'phone', value: '07400 123456' }] });
  const bob = cb.createProfile('agent', { givenName: 'Bob', familyName: 'Okafor' }, true);
  const c = cb.createCase('agent', { shortDescription: 'Refund',
    links: [{ profile: ann.customerId, role: 'requester' }, { profile: bob.customerId, role: 'informed' }] });
  const sent = cb.notifyCase('agent-7', c.number, 'refund');
  assert.equal(sent.sent.length, 1);
  assert.equal(sent.sent[0].address, '+447400123456');
  assert.equal(sent.sent[0].message.body, `Hi Ann, the refund for ${c.number} is on its way.`);
  assert.deepEqual(sent.unreached.map((u) => [u.customerId, u.reason]), [[bob.customerId, 'no phone contact point']]);
  const logged = cb.contactHistory(ann.customerId);
  assert.equal(logged[0].direction, 'outbound');
  assert.equal(logged[0].channel, 'sms');
  const requested = cb.eventsAfter().filter((e) => e.kind === 'message.requested');
  assert.equal(requested.length, 1);
  assert.equal(requested[0].seq, sent.sent[0].event);
  assert.equal(requested[0].payload.address, '+447400123456');
  assert.deepEqual(cb.notifyCase('agent-7', c.number, 'refund', ['informed']).sent, []);
  rejects(() => cb.notifyCase('agent-7', c.number, 'refund', ['boss']), 'invalid_input');
  rejects(() => cb.notifyCase('agent-7', c.number, 'missing'), 'not_found');
  const preview = cb.renderResponse('agent-7', 'refund', ann.customerId, c.number);
  assert.equal(preview.body, sent.sent[0].message.body);
  assert.deepEqual(cb.responseTemplates().map((r) => r.id), ['refund']);
  assert.equal(cb.responseTemplate('refund', 1).name, 'Refund sent');
});

test('feedback once a case is resolved, once per customer', () => {
  const cb = new Casebook(OPTIONS);
  const ann = cb.createProfile('agent', { givenName: 'Ann', familyName: 'Okafor' });
  const c = cb.createCase('agent', { shortDescription: 'Refund', links: [{ profile: ann.customerId, role: 'requester' }] });
  rejects(() => cb.recordFeedback('survey', c.number, { profile: ann.customerId, score: 4 }), 'invalid_state');
  cb.setCaseStatus('agent', c.number, c.version, 'resolved', { notes: 'Refunded', shareWithRequester: true });
  rejects(() => cb.recordFeedback('survey', c.number, { profile: ann.customerId, score: 6 }), 'validation_failed');
  const rated = cb.recordFeedback('survey', c.number, { profile: ann.customerId, score: 4, comment: 'Fast', channel: 'web' });
  assert.equal(rated.feedback[0].score, 4);
  assert.deepEqual(rated.feedback[0].scale, { min: 1, max: 5 });
  assert.equal(rated.feedback[0].customerId, ann.customerId);
  rejects(() => cb.recordFeedback('survey', c.number, { profile: ann.customerId, score: 5 }), 'already_exists');
  assert.equal(cb.eventsAfter().at(-1).kind, 'case.feedback_received');
});
