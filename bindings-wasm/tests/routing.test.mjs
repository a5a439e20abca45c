// Routing through the JavaScript package, as an agent desktop's case form
// uses it: the rules an administrator loads, a preview of where the case
// being typed will go, the case routed on saving, and a priority set by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Casebook, rejects } from './load.mjs';

const OPTIONS = { config: { defaultRegion: 'GB' }, clock: { start: '2026-03-09T08:00:00Z', stepMs: 60000 }, idSeed: 37 };

const RULES = {
  rules: [
    { name: 'vip-phone', when: { channels: ['voice'], fields: { customer_tier: ['Gold'] } }, route: { supportGroup: 'vip-desk', assignee: 'lee', priority: 2 } },
    { name: 'billing', when: { categories: ['billing'] }, route: { supportGroup: 'billing' } },
  ],
};

const TEMPLATE = {
  id: 'call', kind: 'case', name: 'Call', fields: [
    { key: 'customer_tier', label: 'Tier', type: 'choice', options: [{ key: 'gold', label: 'Gold' }, { key: 'basic', label: 'Basic' }] },
  ],
};

test('the first matching rule routes a new case, and the form can ask beforehand', () => {
  const cb = new Casebook(OPTIONS);
  cb.loadTemplate('admin', TEMPLATE);
  assert.equal(cb.routingRules().version, undefined);
  const loaded = cb.loadRoutingRules('admin', RULES);
  assert.equal(loaded.version, 1);
  // JSON text is the wire's own shape, snake_case: the same rules, no new version.
  const text = JSON.stringify(RULES).replaceAll('supportGroup', 'support_group');
  assert.equal(cb.loadRoutingRules('admin', text).version, 1);
  assert.equal(cb.routingRules().rules[0].route.supportGroup, 'vip-desk');

  const form = { template: 'call', channel: 'voice', shortDescription: 'Line down', fields: { customer_tier: 'gold' } };
  assert.deepEqual(cb.routeCase(form), { rule: 'vip-phone', version: 1, supportGroup: 'vip-desk', assignee: 'lee', priority: 2 });
  assert.equal(cb.routeCase({ ...form, channel: 'email' }), null);
  assert.equal(cb.routeCase({ ...form, supportGroup: 'field' }), null);
  assert.equal(cb.routeCase({ shortDescription: 'Bill', category: 'Billing' }).supportGroup, 'billing');
  rejects(() => cb.routeCase({ shortDescription: '' }), 'validation_failed');

  const saved = cb.createCase('agent', form);
  assert.equal(saved.supportGroup, 'vip-desk');
  assert.equal(saved.assignee, 'lee');
  assert.equal(saved.priority, 2);
  assert.equal(saved.priorityOverride, 2);
  assert.deepEqual(saved.routedBy, { rule: 'vip-phone', version: 1 });
  const entry = saved.timeline.find((e) => e.kind === 'priority_change');
  assert.match(entry.text, /set by routing rule `vip-phone` \(the matrix gives P5\)/);
});

test('bad rules are refused by name and change nothing', () => {
  const cb = new Casebook(OPTIONS);
  cb.loadRoutingRules('admin', RULES);
  let error = rejects(() => cb.loadRoutingRules('admin', { rules: [{ name: 'x', route: { supportGroup: 'g', priority: 0 } }] }), 'invalid_definition');
  assert.match(error.message, /priority 0/);
  error = rejects(() => cb.loadRoutingRules('admin', { rules: [{ name: 'x', when: { colour: ['red'] }, route: { supportGroup: 'g' } }] }), 'invalid_definition');
  assert.match(error.message, /colour/);
  rejects(() => cb.loadRoutingRules('admin', '{"rules": '), 'invalid_definition');
  assert.equal(cb.routingRules().version, 1);
});

test('a priority set by hand overrides the matrix until given back', () => {
  const cb = new Casebook(OPTIONS);
  const created = cb.createCase('agent', { shortDescription: 'Printer jam', priority: 1 });
  assert.equal(created.priority, 1);
  const kept = cb.updateCase('agent', created.number, created.version, { shortDescription: 'Printer jam', priority: 1, description: 'Tray 2' });
  assert.equal(kept.timeline.filter((e) => e.kind === 'priority_change').length, 1);
  const back = cb.updateCase('agent', created.number, kept.version, { shortDescription: 'Printer jam' });
  assert.equal(back.priority, 5);
  assert.equal(back.priorityOverride, undefined);
  assert.match(back.timeline.at(-1).text, /back to the impact × urgency matrix: P5/);
  const error = rejects(() => cb.updateCase('agent', created.number, back.version, { shortDescription: 'Printer jam', priority: 6 }), 'validation_failed');
  assert.equal(error.fieldErrors[0].field, 'priority');
  assert.equal(error.fieldErrors[0].code, 'out_of_range');
});
