// A small agent desk over the casebook web package: recognise a caller,
// see and link the CRM records of the customer, capture a new customer
// from a profile template with live field errors, open a case from a case
// template, link customers, and merge duplicates after a preview; the
// customer card charts the customer's dashboard. Every rule comes from casebook; this page only renders.
import init, { Casebook, warmUp } from '../pkg/index.js';

const AGENT = 'agent-7';

const PROFILE_TEMPLATE = {
  id: 'retail', kind: 'profile', name: 'Retail customer',
  fields: [
    { key: 'segment', label: 'Segment', type: 'choice', required: true,
      options: [{ key: 'private', label: 'Private' }, { key: 'business', label: 'Business' }] },
    { key: 'ni_number', label: 'NI number', type: 'pattern', regex: '[A-CEGHJ-PR-TW-Z]{2}[0-9]{6}[A-D]', hint: 'AA999999A' },
    { key: 'preferred_contact', label: 'Preferred contact', type: 'choice',
      options: [{ key: 'phone', label: 'Phone' }, { key: 'email', label: 'E-mail' }, { key: 'post', label: 'Post' }] },
  ],
};

const CASE_TEMPLATE = {
  id: 'ticket', kind: 'case', name: 'Ticket',
  fields: [
    { key: 'reason', label: 'Reason', type: 'choice', required: true,
      options: [{ key: 'fault', label: 'Fault' }, { key: 'complaint', label: 'Complaint' }, { key: 'billing', label: 'Billing' }] },
    { key: 'complaint_summary', label: 'Complaint summary', type: 'text',
      requiredWhen: { field: 'reason', equals: 'complaint' } },
    { key: 'serial', label: 'Router serial', type: 'pattern', regex: '[A-Z0-9]{10}', hint: 'AB12CD34EF' },
  ],
};

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) node.append(child);
  return node;
};

let cb;
let current = null; // customer ID on screen
let openedCase = null; // case number just opened
const known = new Map(); // customer ID -> display name, for the link list

// ----- start -----

const started = performance.now();
await init();
const loaded = performance.now() - started;
const warm = warmUp();
cb = new Casebook({ config: { defaultRegion: 'GB' } });
seed();
$('status').textContent = `ready: module ${loaded.toFixed(0)} ms, warm-up ${warm.toFixed(0)} ms`;
$('status').dataset.ready = 'true';

function seed() {
  cb.loadTemplate('admin', PROFILE_TEMPLATE);
  cb.loadTemplate('admin', CASE_TEMPLATE);
  // Service levels: a business calendar and two SLAs, all data.
  const weekday = [{ start: '08:00', end: '18:00' }];
  cb.loadCalendar('admin', {
    id: 'uk-office', name: 'UK support desk', timeZone: 'Europe/London',
    week: { monday: weekday, tuesday: weekday, wednesday: weekday, thursday: weekday, friday: weekday },
  });
  cb.loadSla('admin', {
    id: 'first-response', name: 'First response', target: 'first_response',
    duration: '1h', time: 'calendar', warnings: [75],
  });
  cb.loadSla('admin', {
    id: 'resolution', name: 'Resolution', target: 'resolution', duration: '8h',
    calendar: 'uk-office', warnings: [75], pause: { field: 'status', equals: 'awaiting_customer' },
  });
  const ada = remember(cb.createProfile(AGENT, {
    template: 'retail', givenName: 'Ada', familyName: 'Lovelace', preferredChannel: 'email',
    contactPoints: [{ kind: 'phone', value: '020 7946 0958', label: 'home' }, { kind: 'email', value: 'ada@example.org' }],
    fields: { segment: 'private', ni_number: 'AB123456C' },
  }));
  cb.linkExternalRecord(AGENT, { profile: ada.customerId }, {
    system: 'salesforce', recordType: 'contact', externalId: '003A000001', displayName: 'Ada Lovelace',
  });
  cb.createCase(AGENT, {
    template: 'ticket', shortDescription: 'Router has no signal', fields: { reason: 'fault' },
    impact: 'medium', urgency: 'high', campaign: 'fibre-upgrade', links: [{ profile: ada.customerId, role: 'requester' }],
  });
  // Earlier contacts, for the customer's dashboard: an offer e-mailed, a missed call back.
  cb.logContact(AGENT, { channel: 'email', direction: 'outbound', address: 'ada@example.org',
    profile: ada.customerId, campaign: 'fibre-upgrade', summary: 'Fibre upgrade offer' });
  cb.logContact(AGENT, { channel: 'voice', direction: 'outbound', address: '020 7946 0958',
    profile: ada.customerId, outcome: 'no_answer', summary: 'Call back about the router' });
  // A household sharing one landline.
  for (const given of ['Anne', 'George']) {
    remember(cb.createProfile(AGENT, {
      template: 'retail', givenName: given, familyName: 'Byron',
      contactPoints: [{ kind: 'phone', value: '0113 496 0000', label: 'home' }],
      fields: { segment: 'private' },
    }, true));
  }
}

function remember(profile) {
  known.set(profile.customerId, `${profile.givenName} ${profile.familyName}`.trim());
  return profile;
}

// ----- incoming contact -----

$('answer-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const caller = $('caller').value;
  const box = $('recognition');
  box.replaceChildren();
  let seen;
  try {
    seen = cb.recognize('voice', caller);
  } catch (e) {
    box.append(el('p', { className: 'error', textContent: e.message }));
    return;
  }
  const contact = cb.logContact(AGENT, { channel: 'voice', address: caller,
    profile: seen.outcome === 'known' ? seen.profile.customerId : undefined });
  box.dataset.outcome = seen.outcome;
  if (seen.outcome === 'known') {
    box.append(el('div', { className: 'notice', textContent: `Known caller: ${seen.summary.displayName}` }));
    showCustomer(seen.profile.customerId);
  } else if (seen.outcome === 'several') {
    box.append(el('div', { className: 'notice warn', textContent: `Shared number: ${seen.candidates.length} customers` }));
    const list = el('ul', { id: 'household' });
    for (const c of seen.candidates) {
      const pick = el('button', { className: 'secondary', type: 'button', textContent: 'This one' });
      pick.addEventListener('click', () => {
        cb.associateContact(AGENT, contact.id, c.customerId);
        showCustomer(c.customerId);
      });
      list.append(el('li', {}, `${c.displayName} (${c.customerId}) `, pick));
    }
    box.append(list);
  } else {
    box.append(el('div', { className: 'notice warn', textContent: 'Unknown caller: capture a new customer' }));
    showNewCustomer(seen.draft);
  }
});

// ----- customer card -----

/** "3h 05m left", or how long ago it breached. */
function slaLeft(sla) {
  const s = Math.abs(sla.timeLeftS);
  const text = `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return sla.timeLeftS >= 0 ? `${text} left` : `breached ${text} ago`;
}

/** The record's custom fields as "Label: shown value", labels and option names from its template. */
function fieldLines(record) {
  const template = record.template ? cb.template(record.template.id, record.template.version) : null;
  const defs = new Map((template?.fields ?? []).map((f) => [f.key, f]));
  return Object.entries(record.fields).map(([key, value]) => {
    const def = defs.get(key);
    const option = (v) => def?.options?.find((o) => o.key === v)?.label ?? v;
    const shown = Array.isArray(value) ? value.map(option).join(', ')
      : typeof value === 'boolean' ? (value ? 'Yes' : 'No') : option(value);
    return el('div', { className: 'field', textContent: `${def?.label ?? key}: ${shown}` });
  });
}

function showCustomer(customerId) {
  const profile = cb.profile(customerId);
  current = profile.customerId;
  const summary = cb.profileSummary(current);
  const cases = cb.casesOfProfile(current);
  const related = cb.relatedCustomers(current);
  const card = el('div', { className: 'card', id: 'customer-card' },
    el('h3', { textContent: summary.displayName }),
    el('div', { className: 'hint', textContent: `${profile.customerId} · version ${profile.version}` }));
  const points = el('ul');
  for (const p of profile.contactPoints) {
    points.append(el('li', { textContent: `${p.kind}: ${p.value}${p.label ? ` (${p.label})` : ''}` }));
  }
  card.append(points);
  card.append(...fieldLines(profile));
  const caseList = el('ul', { id: 'customer-cases' });
  for (const { case: c, role } of cases) {
    const slas = (c.slas ?? []).map((s) => el('div', {
      className: s.breached || s.warning ? 'sla late' : 'sla',
      textContent: `${s.name}: ${slaLeft(s)}${s.warning ? `, ${s.warning} % used` : ''}`,
    }));
    caseList.append(el('li', { textContent: `${c.number} ${c.shortDescription} [${c.status}, P${c.priority}] ` },
      el('span', { className: 'tag', textContent: role }), ...slas));
  }
  card.append(el('strong', { textContent: `Cases (${cases.length})` }), caseList);
  card.append(dashboardChart(cb.profileDashboard(current)));
  if (related.length) {
    card.append(el('div', { textContent: `Related: ${related.map((r) => `${r.profile.displayName} (${r.relationship})`).join(', ')}` }));
  }
  card.append(crmRecords(profile));
  $('customer').replaceChildren(card);
  $('new-customer').hidden = true;
  showCaseForm();
  showDuplicates();
}

// ----- the customer's dashboard -----

/** Bars of the customer's cases by status and contacts by channel, as SVG. */
function dashboardChart(board) {
  const rows = [
    ...board.casesByStatus.map((s) => ({ group: 'cases', key: s.status, count: s.count })),
    ...board.contactsByChannel.map((c) => ({ group: 'contacts', key: c.channel, count: c.contacts })),
  ];
  const most = Math.max(1, ...rows.map((r) => r.count));
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  const rowHeight = 18;
  svg.setAttribute('width', '100%');
  svg.setAttribute('height', String(rows.length * rowHeight + 4));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'Cases by status and contacts by channel');
  rows.forEach((row, i) => {
    const y = i * rowHeight + 2;
    const label = document.createElementNS(ns, 'text');
    Object.entries({ x: 0, y: y + 12, 'font-size': 11 }).forEach(([k, v]) => label.setAttribute(k, v));
    label.textContent = `${row.group === 'cases' ? 'case' : 'contact'} ${row.key.replaceAll('_', ' ')}`;
    const bar = document.createElementNS(ns, 'rect');
    Object.entries({ x: 130, y, height: rowHeight - 5, width: Math.round((row.count / most) * 200),
      fill: row.group === 'cases' ? '#2f5bd3' : '#35a07a', class: 'bar' }).forEach(([k, v]) => bar.setAttribute(k, v));
    bar.dataset.group = row.group;
    bar.dataset.key = row.key;
    bar.dataset.count = String(row.count);
    const count = document.createElementNS(ns, 'text');
    Object.entries({ x: 136 + Math.round((row.count / most) * 200), y: y + 12, 'font-size': 11 }).forEach(([k, v]) => count.setAttribute(k, v));
    count.textContent = String(row.count);
    svg.append(label, bar, count);
  });
  const facts = [
    board.preferredChannel && `prefers ${board.preferredChannel}`,
    board.lastSuccessfulChannel && `last reached by ${board.lastSuccessfulChannel}`,
    ...board.byCampaign.filter((c) => c.campaign).map((c) => `${c.campaign}: ${c.cases} case(s), ${c.contacts} contact(s)`),
  ].filter(Boolean);
  return el('div', { id: 'dashboard' },
    el('strong', { textContent: 'Dashboard' }), svg,
    el('div', { className: 'hint', id: 'dashboard-facts', textContent: facts.join(' · ') }));
}

// ----- CRM records linked to the customer -----

function crmRecords(profile) {
  const list = el('ul', { id: 'crm-records' });
  for (const link of profile.externalRecords ?? []) {
    const r = link.reference;
    list.append(el('li', { textContent: `${r.system} ${r.recordType} ${r.externalId}${r.displayName ? ` (${r.displayName})` : ''}` }));
  }
  const type = el('select', { id: 'crm-type' },
    ...['contact', 'lead', 'account', 'opportunity'].map((t) => el('option', { value: t, textContent: t })));
  const id = el('input', { id: 'crm-id', placeholder: 'Salesforce id', autocomplete: 'off' });
  const error = el('div', { className: 'error', id: 'crm-error' });
  const link = el('button', { id: 'crm-link', type: 'button', textContent: 'Link CRM record' });
  link.addEventListener('click', () => {
    try {
      cb.linkExternalRecord(AGENT, { profile: profile.customerId },
        { system: 'salesforce', recordType: type.value, externalId: id.value });
      showCustomer(profile.customerId);
    } catch (e) {
      error.textContent = e.fieldErrors?.[0]?.message ?? e.message;
    }
  });
  return el('div', { id: 'crm' }, el('strong', { textContent: `CRM records (${list.children.length})` }),
    list, type, id, link, error);
}

// ----- forms rendered from templates -----

function fieldInput(field, prefix) {
  const id = `${prefix}-${field.key}`;
  let input;
  if (field.type === 'choice') {
    input = el('select', { id, name: field.key },
      el('option', { value: '', textContent: '—' }),
      ...field.options.map((o) => el('option', { value: o.key, textContent: o.label })));
  } else if (field.type === 'boolean') {
    input = el('input', { id, name: field.key, type: 'checkbox' });
  } else if (field.type === 'text' && field.multiline) {
    input = el('textarea', { id, name: field.key, rows: 3 });
  } else {
    input = el('input', { id, name: field.key, autocomplete: 'off', placeholder: field.hint ?? '' });
  }
  const required = field.required ? el('span', { className: 'req', textContent: ' *' }) : '';
  return [
    el('label', { htmlFor: id }, field.label ?? field.key, required),
    input,
    el('div', { className: 'error', id: `${id}-error` }),
  ];
}

function readValue(input) {
  if (input.type === 'checkbox') return input.checked;
  return input.value.trim() === '' ? undefined : input.value;
}

/** Shows every field error next to its input; `paths` maps error paths to input ids. */
function showErrors(form, errors, missing, paths) {
  for (const node of form.querySelectorAll('.error')) node.textContent = '';
  for (const node of form.querySelectorAll('[aria-invalid]')) node.removeAttribute('aria-invalid');
  const problems = [...errors, ...missing.map((m) => ({ field: m.field, message: `${m.label} is required` }))];
  for (const problem of problems) {
    const id = paths[problem.field];
    const target = id && $(id);
    if (!target) continue;
    target.setAttribute('aria-invalid', 'true');
    const box = $(`${id}-error`);
    if (!box.textContent) box.textContent = problem.message;
  }
}

// New customer: name, phone and e-mail, then the template's own fields.
const CORE_PROFILE_FIELDS = [
  { key: 'given_name', label: 'Given name' },
  { key: 'family_name', label: 'Family name', required: true },
  { key: 'phone', label: 'Phone' },
  { key: 'email', label: 'E-mail' },
];

function showNewCustomer(draft) {
  current = null;
  $('customer').replaceChildren(el('p', { className: 'hint', textContent: 'New customer being captured.' }));
  $('case-panel').hidden = true;
  $('merge-panel').hidden = true;
  const form = $('profile-form');
  form.replaceChildren();
  for (const f of CORE_PROFILE_FIELDS) form.append(...fieldInput(f, 'p'));
  for (const f of cb.template('retail').fields) form.append(...fieldInput(f, 'p'));
  const phone = draft.contactPoints?.find((p) => p.kind === 'phone');
  if (phone) $('p-phone').value = phone.value;
  form.oninput = () => liveProfile(true);
  $('profile-result').replaceChildren();
  $('duplicates').replaceChildren();
  $('new-customer').hidden = false;
  $('p-given_name').focus();
}

/** The form as a profile input, and where each error path points. */
function profileInput() {
  const value = (key) => readValue($(`p-${key}`));
  const paths = { given_name: 'p-given_name', family_name: 'p-family_name' };
  const contactPoints = [];
  for (const kind of ['phone', 'email']) {
    const v = value(kind);
    if (v !== undefined) {
      paths[`contact_points[${contactPoints.length}].value`] = `p-${kind}`;
      contactPoints.push({ kind, value: v });
    }
  }
  const fields = {};
  for (const f of cb.template('retail').fields) {
    paths[f.key] = `p-${f.key}`;
    const v = value(f.key);
    if (v !== undefined) fields[f.key] = v;
  }
  const input = {
    template: 'retail', givenName: value('given_name') ?? '', familyName: value('family_name') ?? '',
    contactPoints: contactPoints, fields,
  };
  return { input, paths };
}

function liveProfile(draft) {
  const { input, paths } = profileInput();
  const report = cb.validateProfile(input, draft);
  showErrors($('profile-form'), report.errors, draft ? [] : report.missing, paths);
  showSuggestions(cb.duplicateCandidatesForDraft(input));
  return report;
}

function showSuggestions(candidates) {
  const box = $('duplicates');
  box.replaceChildren();
  if (!candidates.length) return;
  box.append(el('div', { className: 'notice warn', textContent: 'Is this an existing customer?' }));
  const list = el('ul', { id: 'suggestions' });
  for (const c of candidates) {
    const open = el('button', { className: 'secondary', type: 'button', textContent: 'Open' });
    open.addEventListener('click', () => showCustomer(c.profile.customerId));
    list.append(el('li', {},
      `${c.profile.displayName} (${c.profile.customerId}) score ${c.score.toFixed(2)}: ${c.reasons.filter((r) => r.agrees).map((r) => r.detail).join('; ')} `,
      open));
  }
  box.append(list);
}

function createProfile(allowDuplicates) {
  const { input, paths } = profileInput();
  try {
    const profile = remember(cb.createProfile(AGENT, input, allowDuplicates));
    $('profile-result').replaceChildren(el('div', { className: 'notice', textContent: `Created ${profile.customerId}` }));
    showCustomer(profile.customerId);
  } catch (e) {
    if (e.code === 'validation_failed') {
      showErrors($('profile-form'), e.fieldErrors, [], paths);
    } else if (e.code === 'duplicate_suspected') {
      showSuggestions(e.candidates);
      const anyway = el('button', { id: 'create-anyway', type: 'button', textContent: 'Create anyway' });
      anyway.addEventListener('click', () => createProfile(true));
      $('profile-result').replaceChildren(el('div', { className: 'notice warn', textContent: e.message }), anyway);
    } else {
      $('profile-result').replaceChildren(el('p', { className: 'error', textContent: e.message }));
    }
  }
}
$('create-profile').addEventListener('click', () => createProfile(false));

// ----- case form -----

function showCaseForm() {
  const form = $('case-form');
  form.replaceChildren(...fieldInput({ key: 'short_description', label: 'Short description', required: true }, 'c'));
  for (const f of cb.template('ticket').fields) form.append(...fieldInput(f, 'c'));
  form.oninput = () => liveCase(true);
  $('case-result').replaceChildren();
  $('link-panel').hidden = true;
  $('case-panel').hidden = false;
}

function caseInput() {
  const paths = { short_description: 'c-short_description' };
  const fields = {};
  for (const f of cb.template('ticket').fields) {
    paths[f.key] = `c-${f.key}`;
    const v = readValue($(`c-${f.key}`));
    if (v !== undefined) fields[f.key] = v;
  }
  return {
    input: { template: 'ticket', shortDescription: readValue($('c-short_description')) ?? '', fields, channel: 'voice' },
    paths,
  };
}

function liveCase(draft) {
  const { input, paths } = caseInput();
  const report = cb.validateCase(input, draft);
  // A draft's missing fields are shown once the agent has started on the form.
  showErrors($('case-form'), report.errors, report.missing, paths);
  return report;
}

$('create-case').addEventListener('click', () => {
  const { input, paths } = caseInput();
  try {
    const opened = cb.createCase(AGENT, { ...input, links: [{ profile: current, role: 'requester' }] });
    openedCase = opened.number;
    showCustomer(current); // the card lists the new case; the form starts afresh
    $('case-result').replaceChildren(el('div', { className: 'notice', id: 'case-opened',
      textContent: `Opened ${opened.number} (P${opened.priority})` }));
    showLinks();
  } catch (e) {
    if (e.code === 'validation_failed') showErrors($('case-form'), e.fieldErrors, [], paths);
    else $('case-result').replaceChildren(el('p', { className: 'error', textContent: e.message }));
  }
});

// ----- linking -----

function showLinks() {
  $('link-panel').hidden = false;
  $('link-case-number').textContent = openedCase;
  const linked = new Set(cb.caseLinks(openedCase).map((l) => cb.profileSummary(l.profileId).customerId));
  $('link-profile').replaceChildren(...[...known].filter(([id]) => !linked.has(id))
    .map(([id, name]) => el('option', { value: id, textContent: `${name} (${id})` })));
  const list = el('ul', { id: 'case-links' });
  for (const link of cb.caseLinks(openedCase)) {
    const who = cb.profileSummary(link.profileId);
    list.append(el('li', { textContent: `${who.displayName} (${who.customerId}) ` }, el('span', { className: 'tag', textContent: link.role })));
  }
  $('links').replaceChildren(list);
}

$('link').addEventListener('click', () => {
  try {
    cb.linkCase(AGENT, openedCase, $('link-profile').value, $('link-role').value);
  } catch (e) {
    $('links').prepend(el('p', { className: 'error', textContent: e.message }));
    return;
  }
  showLinks();
});

// ----- duplicates and merge -----

let plan = null;

function showDuplicates() {
  const candidates = cb.duplicateCandidates(current);
  $('merge-preview').replaceChildren();
  $('merge').hidden = true;
  $('merge-result').replaceChildren();
  $('merge-panel').hidden = candidates.length === 0;
  const list = el('ul', { id: 'merge-list' });
  for (const c of candidates) {
    const preview = el('button', { className: 'secondary', type: 'button', textContent: 'Preview merge' });
    // The older record survives.
    const [survivor, merged] = [current, c.profile.customerId].sort();
    preview.addEventListener('click', () => showPreview({ survivor, merged }));
    list.append(el('li', {}, `${c.profile.displayName} (${c.profile.customerId}) score ${c.score.toFixed(2)} `, preview));
  }
  $('merge-candidates').replaceChildren(list);
}

function showPreview(next) {
  plan = next;
  const p = cb.mergePreview(plan);
  const rows = [
    ['Survivor', `${p.survivor.customerId} ${p.survivor.givenName} ${p.survivor.familyName}`],
    ['Merged away', `${p.merged.customerId} ${p.merged.givenName} ${p.merged.familyName}`],
    ['Contact points moving', p.contactPointsMoved.map((c) => c.value).join(', ') || 'none'],
    ['Already held', p.contactPointsAlreadyHeld.map((c) => c.value).join(', ') || 'none'],
    ['Cases moving', p.casesMoved.map((c) => c.number).join(', ') || 'none'],
    ['Contacts moving', String(p.contactsMoved)],
    ['Field conflicts', p.fieldConflicts.map((f) => `${f.field}: keeps ${f.chosen}`).join(', ') || 'none'],
    ['Problems', p.problems.map((f) => f.message).join('; ') || 'none'],
  ];
  $('merge-preview').replaceChildren(el('table', { id: 'preview-table' },
    ...rows.map(([k, v]) => el('tr', {}, el('th', { textContent: k }), el('td', { textContent: v })))));
  $('merge').hidden = p.problems.length > 0;
}

$('merge').addEventListener('click', () => {
  try {
    const outcome = cb.merge(AGENT, plan);
    known.delete(outcome.tombstone.customerId);
    showCustomer(outcome.survivor.customerId);
    $('merge-result').replaceChildren(el('div', { className: 'notice', id: 'merged',
      textContent: `Merged ${outcome.tombstone.customerId} into ${outcome.survivor.customerId}` }));
    $('merge-panel').hidden = false;
  } catch (e) {
    $('merge-result').replaceChildren(el('p', { className: 'error', textContent: e.message }));
  }
});
