// Browser journey through the demo: serves bindings-wasm/ on a loopback
// port, drives Debian's Chromium with playwright-core and asserts on the
// page at every step. Saves a screenshot to target/demo-e2e.png and one of
// the customer's dashboard chart to target/demo-dashboard.png.
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { chromiumPath, serve } from './serve.mjs';

const SCREENSHOT = fileURLToPath(new URL('../../target/demo-e2e.png', import.meta.url));
const CHART = fileURLToPath(new URL('../../target/demo-dashboard.png', import.meta.url));

const { base, server } = await serve();
const executablePath = chromiumPath();
assert.ok(executablePath, 'Chromium is not installed (scripts/test-wasm installs it)');
const profileDir = await mkdtemp(join(tmpdir(), 'casebook-e2e-'));
const context = await chromium.launchPersistentContext(profileDir, {
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 1000 },
});
const problems = [];
const step = (name) => console.log(`  - ${name}`);

try {
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.setDefaultTimeout(15_000);
  const text = (selector) => page.locator(selector).innerText();

  await page.goto(`${base}/demo/index.html`);
  await page.waitForSelector('#status[data-ready="true"]');
  step(`loaded: ${await text('#status')}`);

  // A known caller, written differently from how the number was captured.
  await page.fill('#caller', '+44 (0)20 7946-0958');
  await page.click('#answer');
  await page.waitForSelector('#customer-card');
  assert.match(await text('#customer-card h3'), /Ada Lovelace/);
  // Custom fields under their template labels, choices by their option names.
  assert.match(await text('#customer-card'), /Segment: Private/);
  assert.match(await text('#customer-card'), /NI number: AB123456C/);
  assert.doesNotMatch(await text('#customer-card'), /segment:|ni_number/);
  assert.match(await text('#customer-cases'), /CS0001001 Router has no signal/);
  // The screen pop shows the open case's service levels.
  assert.match(await text('#customer-cases'), /First response: 0h 59m left|First response: 1h 00m left/);
  assert.match(await text('#customer-cases'), /Resolution: 8h 00m left|Resolution: \dh \d\dm left/);
  step('known caller shows the customer card with the open case');

  // The card's dashboard chart: cases by status, contacts by channel.
  const bars = await page.$$eval('#dashboard rect.bar', (rects) => rects.map((r) => ({
    group: r.dataset.group, key: r.dataset.key, count: Number(r.dataset.count), width: r.getBoundingClientRect().width,
  })));
  assert.deepEqual(bars.map(({ group, key, count }) => ({ group, key, count })), [
    { group: 'cases', key: 'new', count: 1 },
    { group: 'contacts', key: 'voice', count: 2 },
    { group: 'contacts', key: 'email', count: 1 },
  ]);
  assert.ok(bars.every((b) => b.width > 0), 'every bar is drawn');
  assert.ok(bars[1].width > bars[2].width, 'two voice contacts draw a longer bar than one e-mail');
  assert.match(await text('#dashboard-facts'), /prefers email · last reached by voice · fibre-upgrade: 1 case\(s\), 1 contact\(s\)/);
  await mkdir(fileURLToPath(new URL('../../target/', import.meta.url)), { recursive: true });
  const chart = await page.locator('#dashboard').screenshot({ path: CHART });
  // A PNG of the drawn chart: its header, and a size no blank strip has.
  assert.equal(chart.subarray(1, 4).toString(), 'PNG');
  assert.ok(chart.readUInt32BE(16) > 100 && chart.readUInt32BE(20) > 40, 'the screenshot has the size of a drawn chart');
  console.log(`  chart screenshot: ${CHART}`);
  step('the dashboard charts cases by status and contacts by channel');

  // The customer's CRM records: listed, and a lead linked from the card.
  assert.match(await text('#crm-records'), /salesforce contact 003A000001 \(Ada Lovelace\)/);
  await page.click('#crm-link');
  await page.waitForFunction(() => document.querySelector('#crm-error').textContent !== '');
  await page.selectOption('#crm-type', 'lead');
  await page.fill('#crm-id', '00Q5000001');
  await page.click('#crm-link');
  await page.waitForFunction(() => document.querySelectorAll('#crm-records li').length === 2);
  assert.match(await text('#crm-records'), /salesforce lead 00Q5000001/);
  step('the card lists the CRM records and links another');

  // A household landline: the agent chooses.
  await page.fill('#caller', '01134960000');
  await page.click('#answer');
  await page.waitForSelector('#household');
  const household = await text('#household');
  assert.match(household, /Anne Byron/);
  assert.match(household, /George Byron/);
  await page.locator('#household li', { hasText: 'George Byron' }).getByRole('button').click();
  await page.waitForFunction(() => document.querySelector('#customer-card h3')?.textContent.includes('George Byron'));
  step('shared number lists the household; choosing one opens the card');

  // An unknown caller: the new-customer form from the template, with live errors.
  await page.fill('#caller', '07911 123456');
  await page.click('#answer');
  await page.waitForSelector('#new-customer:not([hidden])');
  assert.equal(await page.inputValue('#p-phone'), '+447911123456');
  assert.ok(await page.locator('#p-segment option[value="business"]').count(), 'segment options from the template');
  await page.fill('#p-ni_number', 'QQ12');
  await page.waitForFunction(() => document.querySelector('#p-ni_number-error').textContent.includes('AA999999A'));
  assert.equal(await page.getAttribute('#p-ni_number', 'aria-invalid'), 'true');
  await page.fill('#p-ni_number', 'AB654321D');
  await page.waitForFunction(() => document.querySelector('#p-ni_number-error').textContent === '');
  await page.fill('#p-email', 'ada@');
  await page.waitForFunction(() => document.querySelector('#p-email-error').textContent.includes('e-mail'));
  step('template form shows and clears field errors as the agent types');

  // Typing an existing customer's details brings duplicate suggestions.
  await page.fill('#p-given_name', 'Ada');
  await page.fill('#p-family_name', 'Lovelace');
  await page.fill('#p-email', 'ada@example.org');
  await page.waitForSelector('#suggestions');
  assert.match(await text('#suggestions'), /Ada Lovelace \(C-000001\)/);
  step('duplicate suggestions while typing');

  // Creating without the required segment lists the problem; then the duplicate check speaks.
  await page.click('#create-profile');
  await page.waitForFunction(() => document.querySelector('#p-segment-error').textContent.includes('required'));
  await page.selectOption('#p-segment', 'private');
  await page.click('#create-profile');
  await page.waitForSelector('#create-anyway');
  await page.click('#create-anyway');
  await page.waitForSelector('#customer-card');
  assert.match(await text('#customer-card'), /C-000004/);
  step('required field on submit, duplicate warning, created anyway');

  // A case from the case template, with a conditional required field.
  await page.fill('#c-short_description', 'Bill doubled this month');
  await page.selectOption('#c-reason', 'complaint');
  await page.waitForFunction(() => document.querySelector('#c-complaint_summary-error').textContent.includes('required'));
  await page.fill('#c-complaint_summary', 'Charged twice for March');
  await page.waitForFunction(() => document.querySelector('#c-complaint_summary-error').textContent === '');
  await page.fill('#c-serial', 'bad');
  await page.waitForFunction(() => document.querySelector('#c-serial-error').textContent.includes('AB12CD34EF'));
  await page.fill('#c-serial', '');
  await page.click('#create-case');
  await page.waitForSelector('#case-opened');
  assert.match(await text('#case-opened'), /Opened CS0001002/);
  assert.match(await text('#customer-cases'), /CS0001002 Bill doubled this month/);
  step('case form with a conditional required field; case opened');

  // Linking another customer to the case.
  await page.selectOption('#link-profile', 'C-000003');
  await page.selectOption('#link-role', 'informed');
  await page.click('#link');
  await page.waitForFunction(() => document.querySelectorAll('#case-links li').length === 2);
  assert.match(await text('#case-links'), /George Byron \(C-000003\) informed/);
  step('second customer linked to the case');

  // Duplicates: preview, then merge into the older record.
  await page.waitForSelector('#merge-panel:not([hidden])');
  assert.match(await text('#merge-list'), /Ada Lovelace \(C-000001\)/);
  await page.locator('#merge-list li', { hasText: 'C-000001' }).getByRole('button').click();
  await page.waitForSelector('#preview-table');
  const preview = await text('#preview-table');
  assert.match(preview, /Survivor\s+C-000001/);
  assert.match(preview, /Merged away\s+C-000004/);
  assert.match(preview, /Cases moving\s+CS0001002/);
  assert.match(preview, /Contact points moving\s+\+447911123456/);
  await page.click('#merge');
  await page.waitForSelector('#merged');
  assert.match(await text('#merged'), /Merged C-000004 into C-000001/);
  assert.match(await text('#customer-card h3'), /Ada Lovelace/);
  assert.match(await text('#customer-cases'), /CS0001002/);
  step('merge preview and merge');

  // The merged-away number now reaches the survivor.
  await page.fill('#caller', '07911 123456');
  await page.click('#answer');
  await page.waitForFunction(() => document.querySelector('#recognition').dataset.outcome === 'known');
  assert.match(await text('#customer-card h3'), /Ada Lovelace/);
  step('the merged number is recognised as the survivor');

  await mkdir(fileURLToPath(new URL('../../target/', import.meta.url)), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  console.log(`  screenshot: ${SCREENSHOT}`);
  assert.deepEqual(problems, []);
  console.log('browser journey passed');
} catch (e) {
  // Keep the page as it failed, for a look.
  const page = context.pages().at(-1);
  await page?.screenshot({ path: SCREENSHOT.replace('.png', '-failed.png'), fullPage: true }).catch(() => {});
  console.error(`  failed; screenshot: ${SCREENSHOT.replace('.png', '-failed.png')}`);
  throw e;
} finally {
  await context.close();
  server.close();
  await rm(profileDir, { recursive: true, force: true });
}
