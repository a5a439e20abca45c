// A customer's dashboard through the JavaScript package, as an agent
// desktop's customer card draws it: cases by status, campaigns, channels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Casebook } from './load.mjs';

const OPTIONS = { config: { defaultRegion: 'GB' }, clock: { start: '2026-03-02T09:00:00Z', stepMs: 1 }, idSeed: 17 };
const AGENT = 'agent';

test('the dashboard counts a period by status, campaign and channel', () => {
  const cb = new Casebook(OPTIONS);
  const ada = cb.createProfile(AGENT, { givenName: 'Ada', familyName: 'Lovelace', preferredChannel: 'chat' });
  assert.equal(ada.preferredChannel, 'chat');
  const c = cb.createCase(AGENT, { shortDescription: 'Router', campaign: 'spring', links: [{ profile: ada.customerId, role: 'requester' }] });
  assert.equal(c.campaign, 'spring');
  cb.logContact(AGENT, { channel: 'chat', profile: ada.customerId, startedAt: '2026-03-02T10:00:00Z', campaign: 'spring' });
  const missed = cb.logContact(AGENT, { channel: 'voice', direction: 'outbound', profile: ada.customerId,
    outcome: 'no_answer', startedAt: new Date('2026-03-02T11:00:00Z') });
  assert.equal(missed.outcome, 'no_answer');

  const board = cb.profileDashboard(ada.customerId, '2026-03-02T00:00:00Z', new Date('2026-03-03T00:00:00Z'));
  assert.equal(board.customerId, ada.customerId);
  assert.equal(board.cases, 1);
  assert.deepEqual(board.casesByStatus, [{ status: 'new', count: 1 }]);
  assert.deepEqual(board.byCampaign, [{ campaign: 'spring', cases: 1, contacts: 1 }, { campaign: null, cases: 0, contacts: 1 }]);
  assert.deepEqual(board.contactsByChannel, [
    { channel: 'chat', contacts: 1, successful: 1 },
    { channel: 'voice', contacts: 1, successful: 0 },
  ]);
  assert.equal(board.preferredChannel, 'chat');
  assert.equal(board.lastSuccessfulChannel, 'chat');
  assert.equal(board.lastSuccessfulAt, '2026-03-02T10:00:00Z');

  // The options form gives the same answer; an open period counts everything.
  assert.deepEqual(cb.profileDashboard({ profile: ada.customerId, from: '2026-03-02T00:00:00Z', to: '2026-03-03T00:00:00Z' }), board);
  assert.equal(cb.profileDashboard(ada.customerId).contacts, 2);
});

test('a reversed period, a bad instant and an unknown customer are clear errors', () => {
  const cb = new Casebook(OPTIONS);
  const ada = cb.createProfile(AGENT, { givenName: 'Ada', familyName: 'Lovelace' });
  const code = (fn) => {
    try {
      fn();
    } catch (e) {
      assert.equal(e.name, 'CasebookError', String(e));
      return e.code;
    }
    assert.fail('expected an error');
  };
  assert.equal(code(() => cb.profileDashboard(ada.customerId, '2026-03-03T00:00:00Z', '2026-03-02T00:00:00Z')), 'invalid_input');
  assert.equal(code(() => cb.profileDashboard(ada.customerId, 'soon')), 'invalid_input');
  assert.equal(code(() => cb.profileDashboard('C-999999')), 'not_found');
  assert.equal(code(() => cb.logContact(AGENT, { channel: 'voice', profile: ada.customerId, outcome: 'maybe' })), 'invalid_input');
  // Still usable after the errors.
  assert.equal(cb.profileDashboard(ada.customerId).contacts, 0);
});
