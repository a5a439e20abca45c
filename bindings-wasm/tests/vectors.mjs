// Runner of the shared vectors in tests/vectors/ for the JavaScript package.
// It follows the rules of the Rust runner (tests/src/vectors.rs) exactly, so
// both must report the same answers. The vectors are snake_case, as the wire
// is; the package answers in camelCase, so expectations are compared in
// camelCase, and every scenario runs twice: with its arguments as written
// and with them in camelCase, as a JavaScript developer writes them.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

export const vectorsDir = fileURLToPath(new URL('../../tests/vectors/', import.meta.url));

export function loadVectors(name) {
  return JSON.parse(readFileSync(vectorsDir + name, 'utf8'));
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const show = (v) => JSON.stringify(v);

// The properties whose value is data (custom field keys, CSV headers, ...),
// written out here independently of the binding's own list so that the two
// check each other.
const DATA = new Set(['changed', 'columns', 'default', 'details', 'equals', 'formats', 'in', 'join',
  'merged_value', 'not_in', 'record', 'sequences', 'survivor_value', 'values']);
const isData = (key, value) => (key === 'fields' ? isObject(value) : DATA.has(key));

/** `given_name` → `givenName`. */
export const camelName = (name) => name.replace(/(?<=[A-Za-z0-9])_([a-z])/g, (_, c) => c.toUpperCase());

/** A wire value as JavaScript sees it: keys in camelCase except inside data. */
export function camelize(value) {
  if (Array.isArray(value)) return value.map(camelize);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [camelName(k), isData(k, v) ? v : camelize(v)]));
}

/** Subset match (see tests/vectors/README.md); returns the mismatch or null. */
export function subsetMatch(expected, actual, path) {
  if (isObject(expected) && isObject(actual)) {
    for (const [key, ev] of Object.entries(expected)) {
      if (!Object.hasOwn(actual, key)) return `${path}.${key}: missing`;
      const m = subsetMatch(ev, actual[key], `${path}.${key}`);
      if (m) return m;
    }
    return null;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) {
      return `${path}: expected ${expected.length} items, got ${actual.length}: ${show(actual)}`;
    }
    for (let i = 0; i < expected.length; i++) {
      const m = subsetMatch(expected[i], actual[i], `${path}[${i}]`);
      if (m) return m;
    }
    return null;
  }
  // Numbers compare as numbers; other values of different kinds never match.
  if (!isObject(expected) && !Array.isArray(expected) && expected === actual) return null;
  return `${path}: expected ${show(expected)}, got ${show(actual)}`;
}

/** Replaces `"${name.path}"` strings by saved values (object keys only, as serde_json's `get` does). */
export function substitute(value, saved) {
  if (typeof value === 'string' && value.startsWith('${') && value.endsWith('}')) {
    const [name, ...parts] = value.slice(2, -1).split('.');
    let current = Object.hasOwn(saved, name) ? saved[name] : null;
    for (const wirePart of parts) {
      // Saved results are in camelCase; a path into custom fields keeps its key.
      const part = isObject(current) && Object.hasOwn(current, wirePart) ? wirePart : camelName(wirePart);
      current = isObject(current) && Object.hasOwn(current, part) ? current[part] : null;
    }
    return current;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, saved));
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, saved)]));
  }
  return value;
}

/** The error as the Rust `Error::to_json` describes it. */
export function errorJson(e) {
  if (e?.name !== 'CasebookError') throw e;
  const out = { code: e.code, status: e.status, message: e.message };
  if (e.code === 'validation_failed') out.fieldErrors = e.fieldErrors;
  if (e.candidates !== undefined) out.candidates = e.candidates;
  return out;
}

/** Runs `validation.json`; returns every mismatch. */
export function runValidation(api, vectors) {
  const problems = [];
  for (const c of vectors.cases) {
    const name = c.name ?? '?';
    const options = { draft: c.draft ?? false, today: vectors.today, default_region: vectors.default_region };
    let report;
    try {
      report = api.validate(c.template, c.record, options);
      // A compiled Validator gives the same report, from the object and from its JSON text.
      const validator = new api.Validator(c.template, options);
      for (const record of [c.record, JSON.stringify(c.record ?? null)]) {
        const same = isDeepStrictEqual(validator.validate(record), report) &&
          isDeepStrictEqual(validator.check(record), report.errors);
        if (!same) problems.push(`${name}: the Validator disagrees with validate for ${JSON.stringify(record)}`);
      }
      validator.free();
    } catch (e) {
      const err = errorJson(e);
      if (c.error !== undefined && err.code === c.error) continue;
      problems.push(`${name}: unexpected error ${err.message}`);
      continue;
    }
    if (c.error !== undefined) {
      problems.push(`${name}: expected error ${c.error}, got ${show(report)}`);
      continue;
    }
    const expect = c.expect ?? {};
    const checks = [];
    if (expect.errors !== undefined) checks.push(subsetMatch(camelize(expect.errors), report.errors, 'errors'));
    if (expect.missing !== undefined) {
      checks.push(subsetMatch(expect.missing, report.missing.map((m) => m.field), 'missing'));
    }
    if (expect.values !== undefined) checks.push(subsetMatch(expect.values, report.values, 'values'));
    for (const m of checks) if (m) problems.push(`${name}: ${m}`);
  }
  return problems;
}

/**
 * Runs `operations.json`; returns every mismatch. Each scenario runs with
 * its arguments and operation names as the vectors write them (snake_case),
 * then in camelCase.
 */
export function runOperations(api, vectors) {
  const problems = [];
  for (const shape of ['wire', 'camelCase']) {
    const inShape = shape === 'wire' ? (v) => v : camelize;
    for (const scenario of vectors.scenarios) {
      runScenario(api, vectors, scenario, shape, inShape, problems);
    }
  }
  return problems;
}

function runScenario(api, vectors, scenario, shape, inShape, problems) {
  const name = `${scenario.name ?? '?'} [${shape}]`;
  const cb = new api.Casebook(inShape(vectors.options));
  for (const template of vectors.templates ?? []) {
    cb.call(shape === 'wire' ? 'load_template' : 'loadTemplate', { by: 'admin', template: inShape(template) });
  }
  const saved = {};
  scenario.steps.forEach((step, i) => {
    const op = shape === 'wire' ? (step.op ?? '') : camelName(step.op ?? '');
    const args = inShape(substitute(step.args ?? null, saved));
    const at = `${name}, step ${i} (${op})`;
    let result;
    let error = null;
    try {
      result = cb.call(op, args);
    } catch (e) {
      error = errorJson(e);
    }
    if (error) {
      if (step.expect_error === undefined) {
        problems.push(`${at}: unexpected error ${error.message}`);
      } else {
        const m = subsetMatch(camelize(step.expect_error), error, 'error');
        if (m) problems.push(`${at}: ${m}`);
      }
      return;
    }
    if (step.expect_error !== undefined) {
      problems.push(`${at}: expected error ${show(step.expect_error)}, got ${show(result)}`);
      return;
    }
    if (step.expect !== undefined) {
      const m = subsetMatch(camelize(step.expect), result, 'result');
      if (m) problems.push(`${at}: ${m}`);
    }
    if (step.expect_length !== undefined) {
      if (!Array.isArray(result) || result.length !== step.expect_length) {
        problems.push(`${at}: expected ${step.expect_length} items, got ${show(result)}`);
      }
    }
    if (typeof step.save === 'string') saved[step.save] = result;
  });
  cb.free();
}
