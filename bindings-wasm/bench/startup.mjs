// Start-up benchmark: from importing the package to the first recognise
// answered, for callers of several regions, each in a fresh process (Node)
// and a fresh browser profile (Chromium, so nothing compiled is cached).
// The floor beside it is loading the module alone in the same run.
//
//   node bindings-wasm/bench/startup.mjs           5 runs per region
//   node bindings-wasm/bench/startup.mjs --quick   2 runs per region (scripts/test-wasm)
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumPath as findChromium, serve } from '../demo/serve.mjs';

const QUICK = process.argv.includes('--quick');
const RUNS = QUICK ? 2 : 5;
// A national number as a caller of the region is shown to an agent there.
const CALLERS = [
  ['GB', '020 7946 0958'], ['US', '(202) 555-0143'], ['DE', '030 901820'], ['FR', '01 23 45 67 89'],
  ['JP', '03-1234-5678'], ['BR', '(11) 91234-5678'], ['IN', '098765 43210'], ['AU', '(02) 9876 5432'],
];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(0).padStart(4)} ms`;

function report(runtime, rows) {
  console.log(`\n${runtime}: import to first recognise answered (median of ${RUNS} fresh starts)`);
  for (const { region, module, total, outcome } of rows) {
    console.log(`  ${region}: ${ms(total)}  (module alone ${ms(module)}, then ${ms(total - module)}; ${outcome})`);
  }
  const worst = rows.reduce((a, b) => (b.total > a.total ? b : a));
  console.log(`  slowest region ${worst.region}: ${ms(worst.total)}, ${(worst.total / worst.module).toFixed(1)}x loading the module alone`);
}

// ----- Node: a fresh process per start -----
const child = `
  const start = performance.now();
  const { Casebook } = await import(${JSON.stringify(new URL('../pkg/node.js', import.meta.url).href)});
  const loaded = performance.now();
  const cb = new Casebook({ config: { defaultRegion: process.argv[1] } });
  const seen = cb.recognize('voice', process.argv[2]);
  console.log(JSON.stringify({ module: loaded - start, total: performance.now() - start, outcome: seen.outcome }));
`;
const nodeRows = CALLERS.map(([region, number]) => {
  const runs = Array.from({ length: RUNS }, () =>
    JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', child, region, number], { encoding: 'utf8' })));
  return { region, module: median(runs.map((r) => r.module)), total: median(runs.map((r) => r.total)), outcome: runs[0].outcome };
});
report(`Node ${process.version}`, nodeRows);

// ----- Chromium: a fresh profile per start -----
const chromiumPath = findChromium();
if (!chromiumPath) {
  console.log('\nChromium: not installed, skipped (scripts/test-wasm installs it)');
  process.exit(0);
}
const { chromium } = await import('playwright-core');
const { base, server } = await serve();
const browserRows = [];
try {
  for (const [region, number] of CALLERS) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const profile = await mkdtemp(join(tmpdir(), 'casebook-startup-'));
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
      });
      try {
        const page = await context.newPage();
        await page.goto(`${base}/bench/startup.html?region=${region}&number=${encodeURIComponent(number)}`);
        await page.waitForFunction(() => window.startup !== undefined, null, { timeout: 30_000 });
        runs.push(await page.evaluate(() => window.startup));
      } finally {
        await context.close();
        await rm(profile, { recursive: true, force: true });
      }
    }
    browserRows.push({ region, module: median(runs.map((r) => r.module)), total: median(runs.map((r) => r.total)), outcome: runs[0].outcome });
  }
  const version = execFileSync(chromiumPath, ['--version'], { encoding: 'utf8' }).trim();
  report(version, browserRows);
} finally {
  server.close();
}
