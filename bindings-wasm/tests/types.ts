// Compiled by `tsc --noEmit` (scripts/test-wasm): the generated declarations
// are valid and describe the API as it is used.
import {
  Casebook, Validator, validate, warmUp, operations, version, e164Pattern,
  CasebookError, isCasebookError, type EngineOptions, type Profile, type ProfileInput, type Recognition,
  type ValidationReport, type MergePlan, type MergePreview, type DuplicateCandidate, type FieldError,
  type TemplateDef, type CaseInput, type FormValidation, type ErrorCode, type InvariantProblem,
  type CalendarDef, type CalendarRef, type SlaDef, type SlaClock, type SlaDue, type SlaEvent, type BusinessTime,
  type Inbound, type IntakeRulesDef, type IntakeOutcome,
} from '../pkg/index.js';

const options: EngineOptions = { config: { defaultRegion: 'GB' }, clock: { start: '2026-01-01T00:00:00Z' }, idSeed: 1 };
const cb = new Casebook(options);
const template: TemplateDef = {
  id: 'customer', kind: 'profile', name: 'Customer',
  fields: [{ key: 'segment', type: 'choice', required: true, options: [{ key: 'private', label: 'Private' }] }],
};
cb.loadTemplate('admin', template);
const input: ProfileInput = { template: 'customer', givenName: 'Ada', familyName: 'Lovelace', fields: { segment: 'private' } };
const form: FormValidation<ProfileInput> = cb.validateProfile(input, true);
const firstProblem: FieldError | undefined = form.errors[0];
const profile: Profile = cb.createProfile('agent', input);
const id: string = profile.id;
const when: string = profile.createdAt;

const seen: Recognition = cb.recognize('voice', '+44 20 7946 0958');
switch (seen.outcome) {
  case 'known': console.log(seen.summary.displayName, seen.openCases.length); break;
  case 'several': console.log(seen.candidates.map((c) => c.customerId)); break;
  case 'unknown': console.log(seen.draft.contactPoints?.length, seen.key); break;
}

const caseInput: CaseInput = { shortDescription: 'No signal', links: [{ profile: profile.customerId, role: 'requester' }] };
const opened = cb.createCase('agent', caseInput);
cb.setCaseStatus('agent', opened.number, opened.version, 'resolved', { notes: 'Fixed' });

const office: CalendarDef = {
  id: 'office', name: 'Office', timeZone: 'Europe/London',
  week: { monday: [{ start: '09:00', end: '17:00' }] }, holidays: [{ date: '2026-12-25', yearly: true }],
};
const loadedCalendar: CalendarDef = cb.loadCalendar('admin', office);
const calendarsLoaded: CalendarRef[] = cb.calendars();
const sla: SlaDef = { id: 'resolve', name: 'Resolve', target: 'resolution', duration: '8h', calendar: 'office',
  warnings: [75], escalations: [{ at: 'breach', raisePriority: true }] };
cb.loadSla('admin', sla);
const slaDefs: SlaDef[] = cb.slaDefinitions();
const clocks: SlaClock[] = cb.caseSlas(opened.number, '2026-03-09T09:30:00Z');
const shown: SlaClock[] | undefined = cb.case(opened.number).slas;
const due: SlaDue[] = cb.slaDue('2026-03-10T00:00:00Z', 10);
const events: SlaEvent[] = cb.dueSlaEvents('poller', '2026-03-10T00:00:00Z');
const worked: BusinessTime = cb.calendarBusinessTime(office, '2026-03-09T09:00:00Z', '2026-03-09T10:00:00Z');
const open: boolean = cb.calendarIsOpen('office', '2026-03-09T09:00:00Z');
const next: string = cb.calendarNextOpening(office, '2026-03-07T09:00:00Z');
const dueAt: string = cb.calendarAddBusiness(office, '2026-03-09T09:00:00Z', '1h 30m');
console.log(loadedCalendar.version, calendarsLoaded, cb.calendar('office', 1).name, slaDefs.length,
  clocks.map((c) => `${c.stage} ${c.timeLeftS} ${c.plannedBreachAt ?? '-'}`), shown?.length,
  due.map((d) => d.threshold), events.map((e) => `${e.kind} ${e.escalations.join(', ')}`),
  worked.seconds, worked.text, open, next, dueAt, cb.calendarAddBusiness('office', next, 60));

const plan: MergePlan = { survivor: 'C-000001', merged: 'C-000002', fields: { segment: 'survivor' } };
try {
  const preview: MergePreview = cb.mergePreview(plan);
  const moved: number = preview.contactsMoved;
  const candidates: DuplicateCandidate[] = cb.duplicateCandidates(profile.customerId);
  console.log(moved, candidates.length);
} catch (e: unknown) {
  if (!isCasebookError(e)) throw e;
  const code: ErrorCode = e.code;
  console.log(code, e.status, e.fieldErrors.map((f) => f.code), e.message, e instanceof CasebookError);
}

const report: ValidationReport = validate(template, { segment: 'gold' }, { draft: false, today: '2026-01-01' });
const validator = new Validator(template, { today: '2026-01-01' });
const problems: FieldError[] = validator.check({ segment: 'gold' });
const posted: FieldError[] = validator.check('{"segment": "gold"}');
const normalised: ValidationReport = validator.validate('{"segment": "private"}');
console.log(problems.length, posted.length, normalised.values);
const broken: InvariantProblem[] = cb.checkInvariants();
console.log(broken.map((p) => `${p.kind} ${p.subject}: ${p.message}`));
const bytes: Uint8Array = cb.exportSnapshot();
new Casebook().importSnapshot(bytes);
const pattern: string | undefined = e164Pattern(44);
console.log(report.errors.length, firstProblem, id, when, warmUp(), operations().length, version(), pattern);
cb.free();

// Precise types: each line below must fail to compile (tsc fails on an unused @ts-expect-error).
const fieldsByType: TemplateDef['fields'] = [
  { key: 'age', type: 'integer', min: 18, max: 130 },
  { key: 'born', type: 'date', max: '2026-01-01', notInFuture: true },
  { key: 'code', type: 'pattern', regex: '[A-Z]{2}', hint: 'AB' },
  { key: 'tier', type: 'choice', multiple: true, options: [{ key: 'a', label: 'A' }] },
];
// @ts-expect-error a text field takes no options
const textWithOptions: TemplateDef['fields'][number] = { key: 'x', type: 'text', options: [] };
// @ts-expect-error an integer's bounds are numbers
const integerWithTextBound: TemplateDef['fields'][number] = { key: 'n', type: 'integer', min: '1' };
// @ts-expect-error a pattern field needs its hint
const patternWithoutHint: TemplateDef['fields'][number] = { key: 'p', type: 'pattern', regex: 'a' };
// @ts-expect-error a field type that does not exist
const unknownType: TemplateDef['fields'][number] = { key: 'u', type: 'colour' };
// @ts-expect-error a typo in an engine option
const typoInOptions: EngineOptions = { config: { defaultRegoin: 'GB' } };
// @ts-expect-error a profile query asks one thing at a time
const twoQueries: Parameters<Casebook['findProfiles']>[0] = { name: 'Ada', email: 'ada@example.org' };
console.log(fieldsByType, textWithOptions, integerWithTextBound, patternWithoutHint, unknownType, typoInOptions, twoQueries);

// Long argument lists as one options object (overloads of the positional form).
const related = cb.relate({ by: 'agent', a: profile.customerId, b: 'C-000002', aToB: 'spouse', bToA: 'spouse' });
const recent = cb.contactHistory({ profile: profile.customerId, limit: 5 });
const positional = cb.contactHistory(profile.customerId, undefined, undefined, 5);
// @ts-expect-error an options object with a typo
cb.contactHistory({ profile: profile.customerId, limt: 5 });
// @ts-expect-error an options object missing a required argument
cb.linkCase({ by: 'agent', case: 'CS0001001', role: 'requester' });
console.log(related.aToB, recent.length, positional.length);

// Case intake: rules and messages typed, the outcome read without casts.
const rules: IntakeRulesDef = {
  rules: [{ name: 'billing', when: { keywordsAny: ['invoice'] }, action: 'open', case: { category: 'billing' } }],
};
cb.loadIntakeRules('admin', rules);
const inbound: Inbound = { channel: 'email', from: 'ada@example.org', subject: 'Invoice', messageId: '<m1@example.org>' };
const outcome: IntakeOutcome = cb.intake('mailer', inbound);
const decision: 'joined' | 'opened' | 'logged' = outcome.decision;
// @ts-expect-error an inbound message needs its sender
const noSender: Inbound = { channel: 'email' };
// @ts-expect-error an action that does not exist
const badRule: IntakeRulesDef = { rules: [{ name: 'x', action: 'explode' }] };
const withPhone = cb.addContactPoint('agent', profile.customerId, profile.version, { kind: 'phone', value: '07400 123456' });
const tagged = cb.relate('agent', profile.customerId, 'C-000002', ['spouse', 'carer'], 'spouse');
console.log(outcome.caseNumber, decision, noSender, badRule, withPhone.version, tagged.aToB.length);
