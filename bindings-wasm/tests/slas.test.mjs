// Service levels through the JavaScript package: business calendars and
// their arithmetic, SLA definitions, a case's clocks (also at the screen
// pop) and the warnings and breaches taken once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Casebook, rejects } from './load.mjs';

// The clock stands still on Friday 6 March 2026, 21:00 UTC.
const OPTIONS = {
  config: { default_region: 'GB' },
  clock: { start: '2026-03-06T21:00:00Z', step_ms: 0 },
  id_seed: 11,
};

const NINE_TO_FIVE = [{ start: '08:00', end: '17:00' }];
const OFFICE = {
  id: 'office', name: 'Office', time_zone: 'UTC',
  week: { monday: NINE_TO_FIVE, tuesday: NINE_TO_FIVE, wednesday: NINE_TO_FIVE, thursday: NINE_TO_FIVE, friday: NINE_TO_FIVE },
};

const RESOLVE = {
  id: 'resolve', name: 'Resolved in 9 business hours', target: 'resolution', duration: '9h',
  calendar: 'office', warnings: [50, 75],
  pause: { field: 'status', equals: 'awaiting_customer' },
  escalations: [{ at: 75, assign: 'team-lead', work_note: '75 % of the resolution time used' }],
};

/** Runs `fn`, which must throw a CasebookError with `code`; returns the error. */

/** An engine with the office calendar and the resolution SLA loaded. */
function engine() {
  const cb = new Casebook(OPTIONS);
  cb.loadCalendar('admin', OFFICE);
  cb.loadSla('admin', JSON.stringify(RESOLVE));
  return cb;
}

/** Ada, reachable by phone, with one open case; answers the case. */
function adaWithCase(cb) {
  const ada = cb.createProfile('agent', {
    given_name: 'Ada', family_name: 'Lovelace', contact_points: [{ kind: 'phone', value: '+44 20 7946 0958' }],
  });
  return cb.createCase('agent', {
    short_description: 'No dial tone', links: [{ profile: ada.customerId, role: 'requester' }],
  });
}

test('calendars and SLA definitions: load, list, read, new versions', () => {
  const cb = new Casebook(OPTIONS);
  assert.deepEqual(cb.calendars(), []);
  assert.deepEqual(cb.slaDefinitions(), []);
  const calendar = cb.loadCalendar('admin', OFFICE);
  assert.equal(calendar.id, 'office');
  assert.equal(calendar.version, 1);
  assert.deepEqual(calendar.week.monday, NINE_TO_FIVE);
  const sla = cb.loadSla('admin', JSON.stringify(RESOLVE));
  assert.equal(sla.id, 'resolve');
  assert.equal(sla.version, 1);
  assert.equal(sla.duration, '9h');
  assert.deepEqual(sla.warnings, [50, 75]);

  assert.deepEqual(cb.calendars(), [{ id: 'office', version: 1 }]);
  assert.equal(cb.calendar('office').timeZone, 'UTC');
  assert.deepEqual(cb.slaDefinitions().map((d) => [d.id, d.version]), [['resolve', 1]]);
  assert.equal(cb.slaDefinition('resolve').name, RESOLVE.name);

  // A changed definition is a new version; the old one stays readable.
  assert.equal(cb.loadCalendar('admin', { ...OFFICE, time_zone: 'Europe/London' }).version, 2);
  assert.deepEqual(cb.calendars(), [{ id: 'office', version: 2 }]);
  assert.equal(cb.calendar('office').timeZone, 'Europe/London');
  assert.equal(cb.calendar('office', 1).timeZone, 'UTC');
  assert.equal(cb.loadSla('admin', { ...RESOLVE, duration: '8h' }).version, 2);
  assert.equal(cb.slaDefinition('resolve', 1).duration, '9h');
  assert.equal(cb.slaDefinition('resolve').duration, '8h');
  rejects(() => cb.calendar('nope'), 'not_found');
  rejects(() => cb.slaDefinition('nope'), 'not_found');
  cb.free();
});

test("a case's SLA clock at an instant, and now", () => {
  const cb = engine();
  const opened = adaWithCase(cb);
  // Monday 09:30: 1 h 30 of business time used out of 9 h, 60 h 30 of wall-clock time.
  const [clock, ...others] = cb.caseSlas(opened.number, '2026-03-09T09:30:00Z');
  assert.equal(others.length, 0);
  assert.equal(clock.sla, 'resolve');
  assert.equal(clock.version, 1);
  assert.equal(clock.stage, 'in_progress');
  assert.equal(clock.breached, false);
  assert.equal(clock.startedAt, '2026-03-06T21:00:00Z');
  assert.equal(clock.businessElapsedS, 5400);
  assert.equal(clock.actualElapsedS, 217800);
  assert.equal(clock.durationS, 32400);
  assert.equal(clock.timeLeftS, 27000);
  assert.equal(clock.plannedBreachAt, '2026-03-09T17:00:00Z');
  assert.deepEqual(clock.crossings, [
    { threshold: 50, at: '2026-03-09T12:30:00Z' },
    { threshold: 75, at: '2026-03-09T14:45:00Z' },
    { threshold: 100, at: '2026-03-09T17:00:00Z' },
  ]);
  // The same case by its id; left out, `at` is now (the case was just opened).
  assert.deepEqual(cb.caseSlas(opened.id, '2026-03-09T09:30:00Z'), [clock]);
  const now = cb.caseSlas(opened.number);
  assert.equal(now[0].actualElapsedS, 0);
  assert.equal(now[0].timeLeftS, 32400);
  // Reading a case shows its clocks.
  assert.deepEqual(cb.case(opened.number).slas, now);
  rejects(() => cb.caseSlas('CS404'), 'not_found');
  rejects(() => cb.caseSlas(opened.number, 'next Tuesday'), 'invalid_input');
  rejects(() => cb.caseSlas(), 'invalid_input');
  cb.free();
});

test('the screen pop shows the SLA of an open case', () => {
  const cb = engine();
  const opened = adaWithCase(cb);
  const seen = cb.recognize('voice', '020 7946 0958');
  assert.equal(seen.outcome, 'known');
  assert.equal(seen.openCases.length, 1);
  assert.equal(seen.openCases[0].number, opened.number);
  const [clock] = seen.openCases[0].slas;
  assert.equal(seen.openCases[0].slas.length, 1);
  assert.equal(clock.sla, 'resolve');
  assert.equal(clock.stage, 'in_progress');
  assert.equal(clock.timeLeftS, 32400);
  cb.free();
});

test('due crossings are listed, then taken once as events with their escalations', () => {
  const cb = engine();
  const opened = adaWithCase(cb);
  const due = cb.slaDue('2026-03-09T15:00:00Z');
  assert.deepEqual(due.map((d) => [d.threshold, d.dueAt]), [[50, '2026-03-09T12:30:00Z'], [75, '2026-03-09T14:45:00Z']]);
  assert.equal(due[0].caseId, opened.id);
  assert.deepEqual(cb.slaDue('2026-03-09T15:00:00Z', 1).map((d) => d.threshold), [50]);
  // Listing takes nothing.
  assert.equal(cb.slaDue('2026-03-09T15:00:00Z').length, 2);

  const events = cb.dueSlaEvents('sla-poller', '2026-03-09T15:00:00Z');
  assert.deepEqual(events.map((e) => [e.threshold, e.kind, e.caseNumber]),
    [[50, 'warning', opened.number], [75, 'warning', opened.number]]);
  assert.deepEqual(events[0].escalations, []);
  assert.deepEqual(events[1].escalations, ['assigned to team-lead', 'work note']);
  assert.deepEqual(cb.dueSlaEvents('sla-poller', '2026-03-09T15:00:00Z'), []);
  const after = cb.case(opened.number);
  assert.equal(after.assignee, 'team-lead');
  assert.equal(after.version, 2);

  // The breach is what is left; with a limit of one, then nothing.
  assert.deepEqual(cb.slaDue('2026-03-10T00:00:00Z').map((d) => d.threshold), [100]);
  const breach = cb.dueSlaEvents('sla-poller', '2026-03-10T00:00:00Z', 1);
  assert.deepEqual(breach.map((e) => [e.threshold, e.kind]), [[100, 'breach']]);
  assert.deepEqual(cb.dueSlaEvents('sla-poller', '2026-03-10T00:00:00Z', 1), []);
  assert.deepEqual(cb.slaDue('2026-03-10T00:00:00Z'), []);
  rejects(() => cb.dueSlaEvents('sla-poller'), 'invalid_input');
  rejects(() => cb.dueSlaEvents(undefined, '2026-03-10T00:00:00Z'), 'invalid_input');
  assert.deepEqual(cb.checkInvariants(), []);
  cb.free();
});

test('bad definitions throw invalid_definition naming the definition', () => {
  const cb = new Casebook(OPTIONS);
  let e = rejects(() => cb.loadCalendar('admin', { ...OFFICE, id: 'mars', time_zone: 'Mars/Olympus_Mons' }), 'invalid_definition');
  assert.equal(e.status, 14);
  assert.match(e.message, /calendar `mars`/);
  e = rejects(() => cb.loadCalendar('admin', { ...OFFICE, week: { monday: [{ start: '17:00', end: '08:00' }] } }), 'invalid_definition');
  assert.match(e.message, /calendar `office`/);
  e = rejects(() => cb.loadSla('admin', { ...RESOLVE, id: 'night', calendar: 'missing' }), 'invalid_definition');
  assert.equal(e.message, 'SLA definition `night`: the calendar `missing` is not loaded');
  rejects(() => cb.loadSla('admin', { id: 's', name: 'S', target: 'resolution', duration: '4h', time: 'calendar', warnings: [150] }), 'invalid_definition');
  rejects(() => cb.loadCalendar(undefined, OFFICE), 'invalid_input');
  rejects(() => cb.loadSla('admin'), 'invalid_input');
  // Nothing was stored, and the instance goes on.
  assert.deepEqual(cb.calendars(), []);
  assert.deepEqual(cb.slaDefinitions(), []);
  assert.equal(cb.loadCalendar('admin', OFFICE).version, 1);
  cb.free();
});

test('calendar arithmetic with an inline calendar, no loading', () => {
  const cb = new Casebook(OPTIONS);
  const newYork = { id: 'ny', name: 'New York, 24/7', time_zone: 'America/New_York', always_open: true };
  // 8 March 2026, local midnight to midnight: the clocks go forward, a 23 h day.
  assert.deepEqual(cb.calendarBusinessTime(newYork, '2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z'),
    { seconds: 82800, text: '23h' });
  // 1 November 2026: the clocks go back, a 25 h day.
  assert.equal(cb.calendarBusinessTime(newYork, '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z').seconds, 90000);
  assert.equal(cb.calendarIsOpen(newYork, '2026-03-08T07:30:00Z'), true);

  // Friday 16:30 plus one working hour is Monday 08:30: half an hour each side (text or seconds).
  assert.equal(cb.calendarAddBusiness(OFFICE, '2026-03-06T16:30:00Z', '1h'), '2026-03-09T08:30:00Z');
  assert.equal(cb.calendarAddBusiness(OFFICE, '2026-03-06T16:30:00Z', 3600), '2026-03-09T08:30:00Z');
  assert.equal(cb.calendarIsOpen(OFFICE, '2026-03-07T10:00:00Z'), false);
  assert.equal(cb.calendarIsOpen(OFFICE, '2026-03-06T16:59:59Z'), true);
  assert.equal(cb.calendarNextOpening(OFFICE, '2026-03-07T10:00:00Z'), '2026-03-09T08:00:00Z');
  assert.equal(cb.calendarBusinessTime(OFFICE, '2026-03-06T21:00:00Z', '2026-03-09T09:30:00Z').seconds, 5400);

  // A loaded calendar is named by its id.
  rejects(() => cb.calendarIsOpen('office', '2026-03-07T10:00:00Z'), 'not_found');
  cb.loadCalendar('admin', OFFICE);
  assert.equal(cb.calendarNextOpening('office', '2026-03-07T10:00:00Z'), '2026-03-09T08:00:00Z');

  rejects(() => cb.calendarAddBusiness(OFFICE, '2026-03-09T10:00:00Z', -60), 'invalid_input');
  rejects(() => cb.calendarAddBusiness(OFFICE, '2026-03-09T10:00:00Z', 'soon'), 'invalid_input');
  rejects(() => cb.calendarIsOpen(OFFICE, 'Monday'), 'invalid_input');
  rejects(() => cb.calendarIsOpen(42, '2026-03-09T10:00:00Z'), 'invalid_input');
  rejects(() => cb.calendarBusinessTime({ ...newYork, time_zone: 'Nowhere/Land' }, '2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z'), 'invalid_definition');
  cb.free();
});
