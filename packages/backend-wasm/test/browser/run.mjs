/**
 * The browser suite: bundles the conformance suite's files, serves them cross-origin isolated
 * from 127.0.0.1 and runs them in headless Chromium (Debian's `chromium`, through playwright-core)
 * twice, with threads on Web Workers: on the page's main thread, then in a dedicated Web Worker
 * acting as threadkit's main thread; it prints a per-area table for each.
 *
 * The page's main thread may not block, so there tests that call a sync form fail (the backend
 * refuses with its "use the …Async form" error, or the test's own Atomics.wait throws) and count
 * as not applicable; in the Web Worker they must pass. Tests that need Node (child processes,
 * process.exit) are not applicable in both. Any other failure fails the run.
 * Env: CHROMIUM (default /usr/bin/chromium), BROWSER_SUITE (comma-separated areas to run),
 * BROWSER_IN (page or worker: run only there), BROWSER_DEBUG (echo the console).
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const packages = fileURLToPath(new URL('../../../', import.meta.url));
const suiteDir = join(packages, 'conformance/src/suite');
// Not applicable in a browser: a sync wait on the page's main thread, Node-only scenarios, and a
// module task needed synchronously in a thread that has not finished importing it (browsers have
// no synchronous import; which thread runs a Barrier's action depends on who arrives last).
const NOT_APPLICABLE = /skipped: |this thread cannot block|needs Node|process is not defined|Atomics.wait cannot be called|cannot load it synchronously/;

const out = await mkdtemp(join(tmpdir(), 'threadkit-browser-'));
const only = process.env.BROWSER_SUITE?.split(',');
/** Where the suite runs: the page's main thread, then a dedicated Web Worker (BROWSER_IN=page|worker for one). */
const places = process.env.BROWSER_IN ? [process.env.BROWSER_IN] : ['page', 'worker'];
const files = (await readdir(suiteDir))
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => f.slice(0, -'.test.ts'.length))
  .filter((name) => only === undefined || only.includes(name));
const common = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'error' };
// The api's browser-safe entries in one build with shared chunks, so every entry sees the same
// instance of each module (the installed backend, the thread tables), as with the package's own.
await build({
  ...common,
  entryPoints: {
    api: join(packages, 'api/dist/index.js'),
    'api-spi': join(packages, 'api/dist/spi.js'),
    'api-source-check': join(packages, 'api/dist/source-check.js'),
    'vitest-shim': join(here, 'vitest-shim.ts'),
  },
  splitting: true,
  outdir: join(out, 'b'),
});
await build({
  ...common,
  entryPoints: Object.fromEntries(files.map((name) => [name, join(suiteDir, `${name}.test.ts`)])),
  outdir: join(out, 'suite'),
  // The fixtures stay modules of their own (served from packages/), so a Thread subclass's
  // `static module = import.meta.url` names a module that exports it, as in Node.
  external: ['vitest', '#backend', '@threadkit/*', 'node:*', '../fixtures/*'],
});
await writeFile(join(out, 'b/files.json'), JSON.stringify(files));

const server = await serve(
  {
    '/packages/': packages,
    '/packages/conformance/src/__browser/': join(out, 'suite'),
    '/__b/node-stub.js': join(here, 'node-stub.js'),
    '/__b/page.js': join(here, 'page.js'),
    '/__b/suite-runner.js': join(here, 'suite-runner.js'),
    '/__b/suite-worker.js': join(here, 'suite-worker.js'),
    '/__b/': join(out, 'b'),
  },
  { '/': '<!doctype html><meta charset="utf-8"><title>threadkit browser suite</title><script type="module" src="/__b/page.js"></script>' },
);
const { port } = server.address();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const runs = [];
try {
  for (const where of places) {
    const page = await browser.newPage();
    page.on('pageerror', (error) => console.error(`page error: ${error}`));
    if (process.env.BROWSER_DEBUG) page.on('console', (m) => console.error(`console: ${m.text()}`));
    await page.goto(`http://127.0.0.1:${port}/?in=${where}`);
    await page.waitForFunction(() => window.__threadkit?.done === true, null, { timeout: 30 * 60_000, polling: 500 });
    runs.push(await page.evaluate(() => window.__threadkit));
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
  await rm(out, { recursive: true, force: true });
}

const total = { passed: 0, failed: 0, na: 0 };
for (const state of runs) {
  // In a Web Worker every sync form may block: a refused one is a failure there, not "n/a".
  const onPage = state.where === 'page';
  const areas = new Map();
  const failures = [];
  for (const o of state.outcomes) {
    const row = areas.get(o.file) ?? { passed: 0, failed: 0, na: 0 };
    if (o.ok) row.passed++;
    else if ((onPage && o.blocked) || NOT_APPLICABLE.test(o.error)) row.na++;
    else (row.failed++, failures.push(o));
    areas.set(o.file, row);
  }
  const place = onPage ? "the page's main thread (may not block)" : 'a dedicated Web Worker (may block)';
  console.log(`\nthreadkit browser suite on ${place} — backend: wasm, Chromium, crossOriginIsolated=${state.crossOriginIsolated}\n`);
  console.log(`area           passed  failed  n/a (${onPage ? 'sync on main thread, or needs Node' : 'needs Node'})`);
  const sum = { passed: 0, failed: 0, na: 0 };
  for (const [area, row] of areas) {
    console.log(`${area.padEnd(14)} ${String(row.passed).padStart(6)}  ${String(row.failed).padStart(6)}  ${String(row.na).padStart(3)}`);
    for (const k of Object.keys(sum)) sum[k] += row[k];
  }
  console.log(`${'total'.padEnd(14)} ${String(sum.passed).padStart(6)}  ${String(sum.failed).padStart(6)}  ${String(sum.na).padStart(3)}`);
  for (const f of failures) console.log(`  ✗ [${f.file}] ${f.name}\n      ${f.error}`);
  for (const k of Object.keys(total)) total[k] += sum[k];
}
console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.na} not applicable in a browser`);
process.exitCode = total.failed === 0 && total.passed > 0 ? 0 : 1;
