// The event outbox through the JavaScript package, as an agent desktop
// polls it: what changed since its cursor, a toast for the agent a case
// was assigned to, and a consumer that resumes where it acknowledged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Casebook, rejects } from './load.mjs';

const OPTIONS = { config: { defaultRegion: 'GB' }, clock: { start: '2026-03-02T09:00:00Z', stepMs: 1 }, idSeed: 11 };

test('every change is an event, in order, with who to tell', () => {
  const cb = new Casebook(OPTIONS);
  const ann = cb.createProfile('agent', { givenName: 'Ann', familyName: 'Okafor',
    contactPoints: [{ kind: 'email', value: 'ann@example.org' }] });
  const c = cb.createCase('agent', { shortDescription: 'Refund', channel: 'email', assignee: 'agent-7',
    links: [{ profile: ann.customerId, role: 'requester' }] });
  cb.addCaseEntry('agent-7', c.number, 'work_note', 'Checked the ledger');
  cb.addCaseEntry('agent-7', c.number, 'comment', 'Your refund is on its way');
  const events = cb.eventsAfter();
  assert.deepEqual(events.map((e) => e.kind),
    ['profile.created', 'case.created', 'case.assigned', 'case.comment_added']);
  assert.deepEqual(events.map((e) => e.seq), [1, 2, 3, 4]);
  assert.equal(events[0].subject.key, ann.customerId);
  assert.equal(events[1].subject.kind, 'case');
  const assigned = events[2];
  assert.equal(assigned.payload.to, 'agent-7');
  const customer = assigned.payload.recipients.find((r) => r.reason === 'requester');
  assert.equal(customer.address, 'ann@example.org');
  assert.equal(customer.customerId, ann.customerId, 'payload keys are camelCase, as in every record');
  assert.equal(customer.contactKind, 'email');
  assert.equal(events[3].actor, 'agent-7');
  assert.equal(events[3].payload.text, 'Your refund is on its way');
  assert.deepEqual(cb.eventsAfter(3).map((e) => e.seq), [4]);
  assert.deepEqual(cb.eventsAfter(0, 2).map((e) => e.seq), [1, 2]);
  assert.deepEqual(cb.eventsAfter(4), []);
});

test('a consumer resumes from its acknowledgement', () => {
  const cb = new Casebook(OPTIONS);
  for (const family of ['One', 'Two', 'Three']) {
    cb.createProfile('agent', { givenName: 'Test', familyName: family }, true);
  }
  const first = cb.eventsFor('toasts', 2);
  assert.deepEqual(first.map((e) => e.seq), [1, 2]);
  assert.deepEqual(cb.eventsFor('toasts', 2), first, 'the same events, the same keys, until acknowledged');
  const kept = cb.acknowledgeEvents('toasts', 2);
  assert.deepEqual(kept, { name: 'toasts', acknowledged: 2, last: 3 });
  assert.deepEqual(cb.eventsFor('toasts').map((e) => e.seq), [3]);
  assert.equal(cb.acknowledgeEvents('toasts', 1).acknowledged, 2);
  assert.equal(cb.eventConsumer('other').acknowledged, 0);
  rejects(() => cb.acknowledgeEvents('toasts', 4), 'invalid_input');
  rejects(() => cb.eventsFor(''), 'invalid_input');
  rejects(() => cb.eventsFor(42), 'invalid_input');
  rejects(() => cb.eventsAfter(-1), 'invalid_input');
  rejects(() => cb.eventsAfter(0, 0), 'invalid_input');
});
