// Tasks through the JavaScript package, as an agent desktop uses them: a
// case form's tasks, "my work" most urgent first, the mandatory-task rule
// on resolution, and follow-ups that show once due.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Casebook, rejects } from './load.mjs';

const OPTIONS = { config: { defaultRegion: 'GB' }, clock: { start: '2026-03-09T08:00:00Z', stepMs: 60000 }, idSeed: 31 };

test('tasks list most urgent first and hold the resolution back', () => {
  const cb = new Casebook(OPTIONS);
  const low = cb.createCase('agent', { shortDescription: 'Slow line', assignee: 'ana' });
  const high = cb.createCase('agent', { shortDescription: 'Line down', assignee: 'ana', impact: 'high', urgency: 'high' });
  cb.addTask('agent', low.number, { title: 'Undated, low' });
  cb.addTask('agent', low.number, { title: 'Tuesday, low', dueAt: '2026-03-10T12:00:00Z' });
  cb.addTask('agent', high.number, { title: 'Tuesday, high', dueAt: '2026-03-10T12:00:00Z' });
  const visit = cb.addTask({ by: 'agent', case: high.number, input: { title: 'Engineer visit', mandatory: true } });
  assert.equal(visit.assignee, 'ana');
  assert.equal(visit.version, 1);
  cb.addTask('agent', high.number, { title: 'Book a van', supportGroup: 'field' });

  const mine = cb.taskList({ assignee: 'ana' });
  assert.deepEqual(mine.map((i) => i.task.title), ['Tuesday, high', 'Tuesday, low', 'Engineer visit', 'Undated, low']);
  assert.equal(mine[0].caseNumber, high.number);
  assert.equal(mine[0].priority, 1);
  assert.equal(mine[0].overdue, false);
  assert.deepEqual(cb.taskList({ supportGroup: 'field' }).map((i) => i.task.title), ['Book a van']);
  assert.equal(cb.taskList({ assignee: 'ana' }, 1).length, 1);

  const current = cb.case(high.number);
  const error = rejects(() => cb.setCaseStatus('agent', high.number, current.version, 'resolved', { notes: 'Fixed' }), 'tasks_open');
  assert.match(error.message, /Engineer visit/);
  assert.equal(cb.case(high.number).status, 'new');

  rejects(() => cb.setTaskStatus('agent', high.number, visit.id, 9, 'done'), 'conflict');
  const edited = cb.editTask('agent', high.number, visit.id, 1, { title: 'Engineer visit (van 2)', mandatory: true });
  assert.equal(edited.version, 2);
  const done = cb.setTaskStatus({ by: 'agent', case: high.number, task: visit.id, version: 2, status: 'done' });
  assert.equal(done.status, 'done');
  assert.ok(done.closedAt);
  const resolved = cb.setCaseStatus('agent', high.number, cb.case(high.number).version, 'resolved', { notes: 'Fixed' });
  assert.equal(resolved.status, 'resolved');
  assert.deepEqual(cb.taskList({ assignee: 'ana' }).map((i) => i.task.title), ['Tuesday, low', 'Undated, low']);
  rejects(() => cb.addTask('agent', high.number, { title: 'More work' }), 'invalid_state');
});

test('a follow-up after closure shows once due', () => {
  const cb = new Casebook({ ...OPTIONS, clock: { start: '2026-03-09T08:00:00Z', stepMs: 0 } });
  const bill = cb.createCase('agent', { shortDescription: 'Bill too high', assignee: 'ana' });
  const resolved = cb.setCaseStatus('agent', bill.number, bill.version, 'resolved', { notes: 'Credited' });
  cb.setCaseStatus('agent', bill.number, resolved.version, 'closed');
  const call = cb.addTask('agent', bill.number, { kind: 'follow_up', title: 'Check the next bill', dueAt: '2026-03-09T08:00:00Z', channel: 'voice' });
  assert.equal(call.kind, 'follow_up');
  const listed = cb.taskList({ assignee: 'ana' });
  assert.equal(listed.length, 1);
  assert.equal(listed[0].caseStatus, 'closed');
  cb.addTask('agent', bill.number, { kind: 'follow_up', title: 'Next month', dueAt: '2026-04-09T08:00:00Z' });
  assert.equal(cb.taskList({ assignee: 'ana' }).length, 1);
});

test('bad task input is a clear error', () => {
  const cb = new Casebook(OPTIONS);
  const c = cb.createCase('agent', { shortDescription: 'Line', assignee: 'ana' });
  const error = rejects(() => cb.addTask('agent', c.number, { title: ' ', kind: 'follow_up' }), 'validation_failed');
  assert.deepEqual(error.fieldErrors.map((f) => f.field).sort(), ['due_at', 'title']);
  rejects(() => cb.addTask('agent', c.number, { title: 'x', colour: 'red' }), 'invalid_input');
  rejects(() => cb.addTask('agent', 'CS9999999', { title: 'x' }), 'not_found');
  rejects(() => cb.setTaskStatus('agent', c.number, 'not-a-uuid', 1, 'done'), 'invalid_input');
  rejects(() => cb.setTaskStatus('agent', c.number, '00000000-0000-0000-0000-000000000000', 1, 'finished'), 'invalid_input');
  rejects(() => cb.taskList({ assignee: '' }), 'invalid_input');
  rejects(() => cb.taskList({ someone: 'ana' }), 'invalid_input');
});
