// Reports through the JavaScript package, as a supervisor's wallboard
// uses them: a definition loaded as data, run over a period, a CSV export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Casebook, rejects } from './load.mjs';

const OPTIONS = { config: { defaultRegion: 'GB' }, clock: { start: '2026-03-09T08:00:00Z', stepMs: 60000 }, idSeed: 23 };

test('a loaded report counts cases by group and exports as CSV', () => {
  const cb = new Casebook(OPTIONS);
  const def = cb.loadReport('admin', {
    id: 'desk', name: 'Desk', groupBy: ['support_group'],
    filters: { channel: ['voice', 'email'] },
    measures: ['created', 'open', 'resolved', 'resolution_median'], durations: 'wall_clock',
  });
  assert.equal(def.version, 1);
  assert.deepEqual(def.groupBy, ['support_group']);
  assert.equal(def.timeZone, 'UTC');
  assert.equal(cb.loadReport('admin', def).version, 1);

  const quick = cb.createCase('agent', { shortDescription: 'Line', supportGroup: 'network', channel: 'voice' });
  cb.createCase('agent', { shortDescription: 'Bill', supportGroup: 'billing', channel: 'email' });
  cb.createCase('agent', { shortDescription: 'Chat', supportGroup: 'network', channel: 'chat' });
  const resolved = cb.setCaseStatus('agent', quick.number, quick.version, 'resolved', { notes: 'Fixed' });
  assert.equal(resolved.status, 'resolved');

  const table = cb.runReport('desk');
  assert.deepEqual(table.columns, ['support_group', 'created', 'open', 'resolved', 'resolution_median']);
  // The clock steps a minute a call: the line case was resolved three calls after it opened.
  assert.deepEqual(table.rows, [['billing', 1, 1, 0, null], ['network', 1, 0, 1, 180]]);
  assert.equal(cb.reportCsv(table),
    'support_group,created,open,resolved,resolution_median\r\nbilling,1,1,0,\r\nnetwork,1,0,1,180\r\n');

  const empty = cb.runReport({ id: 'desk', from: '2020-01-01T00:00:00Z', to: new Date('2020-02-01T00:00:00Z') });
  assert.deepEqual(empty.rows, []);
  assert.deepEqual(cb.reportDefinitions().map((d) => d.id), ['desk']);
  assert.equal(cb.reportDefinition('desk', 1).name, 'Desk');
});

test('unsaved reports group by period in a time zone', () => {
  const cb = new Casebook(OPTIONS);
  cb.createCase('agent', { shortDescription: 'Line', supportGroup: 'network' });
  const byDay = { id: 'days', groupBy: ['day', 'status'], measures: ['created'], timeZone: 'Pacific/Auckland' };
  // 08:00 UTC on 9 March is 21:00 in Auckland (NZDT, +13).
  const table = cb.kpiReport(byDay, '2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z');
  assert.deepEqual(table.rows, [['2026-03-09', 'new', 1]]);
  rejects(() => cb.kpiReport(byDay), 'invalid_input');
  rejects(() => cb.kpiReport(byDay, '2026-04-01T00:00:00Z', '2026-03-01T00:00:00Z'), 'invalid_input');
});

test('bad definitions are refused with stable codes', () => {
  const cb = new Casebook(OPTIONS);
  rejects(() => cb.loadReport('admin', { id: 'x', measures: ['speed'] }), 'invalid_definition');
  rejects(() => cb.loadReport('admin', { id: 'x', measures: ['created'], groupBy: ['day', 'month'] }), 'invalid_definition');
  rejects(() => cb.loadReport('admin', { id: 'x', measures: ['created'], timeZone: 'Atlantis/Capital' }), 'invalid_definition');
  rejects(() => cb.loadReport('admin', '{"id": "x", "measures": '), 'invalid_definition');
  rejects(() => cb.runReport('missing'), 'not_found');
  rejects(() => cb.reportCsv({ rows: 3 }), 'invalid_input');
});
