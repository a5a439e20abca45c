// Benchmark of the Node package: validation throughput of the 20-field
// record from JS against Ajv on the equivalent JSON Schema (the template,
// schema and record recipes of the Rust benchmark in benches/), and caller
// recognition over 100,000 profiles.
//
//   node bindings-wasm/bench/run.mjs           full run
//   node bindings-wasm/bench/run.mjs --quick   a short run (scripts/test-wasm)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';

import { Casebook, Validator, e164Pattern, warmUp, version } from '../pkg/node.js';

const require = createRequire(import.meta.url);
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats');

const QUICK = process.argv.includes('--quick');
const data = (name) => JSON.parse(readFileSync(new URL(`../../benches/data/${name}`, import.meta.url), 'utf8'));

// ----- records (the recipes of benches/src/records.rs, on a JS generator) -----

function rng(seed) {
  let s = BigInt(seed);
  const next = () => {
    s = (s + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
    let z = s;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
    return Number((z ^ (z >> 31n)) >> 11n) / 2 ** 53;
  };
  const below = (n) => Math.floor(next() * n);
  return {
    below,
    chance: (p) => next() < p,
    pick: (list) => list[below(list.length)],
    digits: (n) => Array.from({ length: n }, () => below(10)).join(''),
  };
}

const GIVEN = ['James', 'Mary', 'Robert', 'Zoë', 'José', 'Siân', 'Chloé', 'Oliver', 'Amelia', 'Noah', 'Ava', 'Dafydd'];
const FAMILY = ['Smith', 'Jones', 'Taylor', "O'Brien", 'Müller', 'García', 'Evans', 'Van Dyke', 'Brown', 'Wilson'];
const fold = (s) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

function valid(r) {
  const first = fold(r.pick(GIVEN));
  const last = fold(r.pick(FAMILY)).replace(/['\s]/g, '');
  return {
    first_name: r.pick(GIVEN),
    last_name: r.pick(FAMILY),
    middle_name: r.pick(GIVEN),
    notes: 'Prefers calls after 5pm.\nAsk for the account holder.',
    segment: r.pick(['private', 'business', 'vip']),
    language: r.pick(['en', 'cy', 'fr', 'de']),
    channels: [r.pick(['phone', 'email']), r.pick(['sms', 'post'])],
    region: r.pick(['north', 'south', 'east', 'west']),
    ni_number: `${r.pick(['A', 'B', 'C', 'E'])}${r.pick(['A', 'B', 'H', 'K'])}${r.digits(6)}${r.pick(['A', 'B', 'C', 'D'])}`,
    postcode: `${r.pick(['SW', 'N', 'LS', 'M'])}${1 + r.below(9)} ${r.below(10)}${r.pick(['A', 'B', 'D'])}${r.pick(['X', 'Y', 'Z'])}`,
    email: `${first}.${last}@example.com`,
    work_email: `${first}@work.example.org`,
    mobile: `+447${r.pick(['1', '2', '3', '4', '5', '8'])}${r.digits(8)}`,
    landline: `+44207${r.digits(7)}`,
    age: 18 + r.below(80),
    household_size: 1 + r.below(6),
    credit_limit: r.below(1_000_000) / 100,
    discount: r.below(5_000) / 100,
    birth_date: `${1940 + r.below(60)}-${String(1 + r.below(12)).padStart(2, '0')}-${String(1 + r.below(28)).padStart(2, '0')}`,
    vip: r.chance(0.1),
  };
}

function invalid(r) {
  const record = valid(r);
  const breaks = 1 + r.below(3);
  for (let i = 0; i < breaks; i++) {
    switch (r.below(10)) {
      case 0: record.segment = 'gold'; break;
      case 1: record.ni_number = 'QQ12345'; break;
      case 2: record.email = 'not an address'; break;
      case 3: record.mobile = '12345'; break;
      case 4: record.age = 7; break;
      case 5: record.discount = 12.345; break;
      case 6: record.birth_date = '1980-02-30'; break;
      case 7: record.first_name = ''; break;
      case 8: record.unknown = true; break;
      default: record.vip = 'yes';
    }
  }
  return record;
}

const mix = (seed, n, validShare) => {
  const r = rng(seed);
  return Array.from({ length: n }, () => (r.chance(validShare) ? valid(r) : invalid(r)));
};

/** Runs `body` over `items` for about `ms` milliseconds; returns per-item microseconds. */
function measure(items, body, ms) {
  for (const item of items) body(item); // warm-up
  let rounds = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (const item of items) body(item);
    rounds++;
    elapsed = performance.now() - start;
  } while (elapsed < ms);
  return (elapsed * 1000) / (rounds * items.length);
}

const fmt = (us) => `${us.toFixed(2)} us/record (${Math.round(1e6 / us).toLocaleString('en')} records/s)`;

// ----- validation -----

console.log(`casebook ${version()}, Node ${process.version}${QUICK ? ', quick run' : ''}`);
console.log(`warm-up (phone metadata, Unicode tables): ${warmUp().toFixed(0)} ms`);

const template = data('profile20_template.json');
const schema = data('profile20_schema.json');
for (const field of ['mobile', 'landline']) schema.properties[field].pattern = e164Pattern(44);
// multipleOfPrecision: without it 4415.52 is not a multiple of 0.01 in floating point.
const ajv = new Ajv2020({ allErrors: true, strict: false, multipleOfPrecision: 9 });
addFormats(ajv, ['email', 'date']);
const ajvValidate = ajv.compile(schema);

const cb = new Casebook({ config: { default_region: 'GB' }, clock: { start: '2026-06-01T00:00:00Z' }, id_seed: 1 });
cb.loadTemplate('bench', template);
const records = mix(7, QUICK ? 300 : 1_000, 0.7);

let disagreements = 0;
for (const record of records) {
  const ours = cb.validateRecord(template.id, record).errors.length === 0;
  if (ours !== ajvValidate(record)) {
    disagreements++;
    if (disagreements <= 3) console.log('validators disagree on', JSON.stringify(record), ajvValidate.errors);
  }
}
const share = records.filter((r) => ajvValidate(r)).length / records.length;
console.log(`\nvalidate 20-field records (${records.length} records, ${(share * 100).toFixed(0)}% valid, validators agree on ${records.length - disagreements})`);
const budget = QUICK ? 300 : 3_000;
const validator = new Validator(template, { default_region: 'GB', today: '2026-06-01' });
for (const record of records) {
  const full = cb.validateRecord(template.id, record).errors;
  if (!isDeepStrictEqual(validator.check(record), full)) {
    throw new Error(`Validator.check and validateRecord disagree on ${JSON.stringify(record)}`);
  }
}
const casebookUs = measure(records, (r) => cb.validateRecord(template.id, r), budget);
const checkUs = measure(records, (r) => validator.check(r), budget);
const ajvUs = measure(records, (r) => ajvValidate(r), budget);
console.log(`  casebook validateRecord (values + errors):  ${fmt(casebookUs)}`);
console.log(`  casebook Validator.check (errors only):     ${fmt(checkUs)}`);
console.log(`  Ajv 8 (compiled schema, allErrors):         ${fmt(ajvUs)}`);
console.log(`  ratio: Validator.check takes ${(checkUs / ajvUs).toFixed(1)}x Ajv's time (validateRecord ${(casebookUs / ajvUs).toFixed(1)}x)`);

// ----- recognition over many profiles -----

const PROFILES = QUICK ? 5_000 : 100_000;
const at = '2026-06-01T00:00:00Z';
const hex = (n, width) => n.toString(16).padStart(width, '0');
const uuid = (n) => `${hex(n, 8)}-0000-4000-8000-${hex(n, 12)}`;
const phone = (n) => `+4479${String(10_000_000 + n * 7).padStart(8, '0')}`;
const householdPhone = '+442079460958';
// A snapshot is the quickest way to seed: the store indexes it on import.
const snapshot = {
  format: 1, templates: [], cases: [], links: [], contacts: [], relations: [], audit: [], blobs: [],
  sequences: { customer_id: PROFILES },
  profiles: Array.from({ length: PROFILES }, (_, i) => ({
    id: uuid(i + 1), customer_id: `C-${String(i + 1).padStart(6, '0')}`, version: 1,
    given_name: GIVEN[i % GIVEN.length], family_name: `${FAMILY[i % FAMILY.length]}${i}`,
    identifications: [], accounts: [], fields: {},
    contact_points: [
      { kind: 'phone', value: phone(i), primary: true, key: `phone:${phone(i)}` },
      ...(i < 3 ? [{ kind: 'phone', value: householdPhone, primary: false, key: `phone:${householdPhone}` }] : []),
    ],
    created_at: at, created_by: 'seed', updated_at: at, updated_by: 'seed',
  })),
};
const store = new Casebook({ config: { default_region: 'GB' } });
let t = performance.now();
store.importSnapshot(snapshot);
console.log(`\nrecognize over ${PROFILES.toLocaleString('en')} profiles (seeded by importSnapshot in ${((performance.now() - t) / 1000).toFixed(1)} s)`);

const r = rng(11);
const callers = Array.from({ length: 500 }, () => {
  const n = r.below(PROFILES);
  // Written the way a switch hands it over, or as a person types it.
  return r.chance(0.5) ? phone(n) : `0${phone(n).slice(3, 7)} ${phone(n).slice(7)}`;
});
const outcome = store.recognize('voice', callers[0]).outcome;
if (outcome !== 'known') throw new Error(`expected a known caller, got ${outcome}`);
const knownUs = measure(callers, (c) => store.recognize('voice', c), QUICK ? 300 : 3_000);
console.log(`  known caller (profile, open cases, recent contacts): ${knownUs.toFixed(1)} us/call`);
const strangers = Array.from({ length: 500 }, (_, i) => `+44 20 7946 ${String(1000 + i).slice(-4)}`).filter((c) => c !== '+44 20 7946 0958');
const unknownUs = measure(strangers, (c) => store.recognize('voice', c), QUICK ? 300 : 3_000);
console.log(`  unknown caller (new-customer draft):                 ${unknownUs.toFixed(1)} us/call`);
const several = store.recognize('voice', '020 7946 0958');
if (several.outcome !== 'several' || several.candidates.length !== 3) throw new Error('household number not shared');
const householdUs = measure([householdPhone], (c) => store.recognize('voice', c), QUICK ? 100 : 1_000);
console.log(`  shared household number (3 candidates):             ${householdUs.toFixed(1)} us/call`);

if (disagreements > 0) {
  console.error(`\n${disagreements} records judged differently by casebook and Ajv`);
  process.exit(1);
}
