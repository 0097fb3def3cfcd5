/**
 * The programmatic runner behind `threadkit-conformance`: runs the conformance suite (the vitest
 * files in `suite/`, one per area) against one backend and returns a per-area tally.
 *
 * The backend is chosen as in the package's vitest config: a short name (`workers`) means
 * `@threadkit/backend-<name>`, a package name is used as is, and a path (`./my-backend.js`,
 * `/abs/x.mjs`, `file:…`) is a module file that exports the complete threadkit API.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runtimeLabel } from './runtime';

/** Outcome of one test that did not pass. */
export interface Failure {
  /** The test's full name (describe blocks and title). */
  readonly name: string;
  /** The first lines of its failure message. */
  readonly message: string;
}

/** Tally of one area (one suite file). */
export interface AreaResult {
  /** The area's name: the suite file's name without `.test.ts` (`lock`, `queue`, …). */
  readonly area: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** The failed tests (a file that could not load is one failure named after the file). */
  readonly failures: readonly Failure[];
}

/** Tally of a whole run. */
export interface ConformanceResult {
  /** The backend as handed to the suite (a name, a package, or an absolute module path). */
  readonly backend: string;
  readonly areas: readonly AreaResult[];
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** True when every test that ran passed (and at least one ran). */
  readonly ok: boolean;
  /** The runtime that ran the runner (`bun 1.4.5`, `deno 2.9.6`, `node 20.20.2`). */
  readonly runtime: string;
  /**
   * The runtimes the test files' own processes ran in, each with how many processes reported
   * it: proof of where the suite ran (a runtime that spawned Node children would show here).
   */
  readonly testRuntimes: readonly TestRuntime[];
}

/** One runtime the suite's test-file processes ran in. */
export interface TestRuntime {
  /** `bun 1.4.5`, `deno 2.9.6`, `node 20.20.2`. */
  readonly runtime: string;
  /** How many test-file processes ran in it. */
  readonly processes: number;
}

/** Reads the runtime log the suite's setup file writes (`<name> <version> <pid>` lines). */
function readTestRuntimes(file: string): TestRuntime[] {
  if (!existsSync(file)) return [];
  const pids = new Map<string, Set<string>>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const parts = line.trim().split(' ');
    if (parts.length < 3) continue;
    const pid = parts.pop()!;
    const runtime = parts.join(' ');
    pids.set(runtime, (pids.get(runtime) ?? new Set()).add(pid));
  }
  return [...pids].map(([runtime, set]) => ({ runtime, processes: set.size }));
}

/** Options of {@link runConformance}. */
export interface RunOptions {
  /** Backend name, package name or module path (relative paths resolve against `cwd`). */
  readonly backend: string;
  /** Only these areas (suite file names without `.test.ts`); all when empty or omitted. */
  readonly areas?: readonly string[];
  /** Directory that relative backend paths are relative to; default `process.cwd()`. */
  readonly cwd?: string;
  /** Also print vitest's per-test output (its default reporter) instead of a progress line of dots. */
  readonly verbose?: boolean;
}

/** The package's root directory (this file lives in `src/` or `dist/`, one level below it). */
export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Turns a `--backend` argument into what the vitest config accepts: paths become absolute
 * (they would otherwise resolve against the suite's root), names and packages stay.
 */
export function resolveBackend(choice: string, cwd: string = process.cwd()): string {
  if (choice.startsWith('file:')) return fileURLToPath(choice);
  if (choice.startsWith('.') || isAbsolute(choice)) return resolve(cwd, choice);
  return choice;
}

interface JsonAssertion {
  fullName?: string;
  title?: string;
  ancestorTitles?: string[];
  status: string;
  failureMessages?: string[];
}

interface JsonFileResult {
  name: string;
  status?: string;
  message?: string;
  assertionResults?: JsonAssertion[];
}

function firstLines(text: string, n = 4): string {
  return text.split('\n').slice(0, n).join('\n').trim();
}

function areaOf(file: string): string {
  return basename(file).replace(/\.test\.[cm]?[jt]s$/, '');
}

/**
 * Builds the per-area tally from vitest's JSON report; `testRuntimes` are the runtimes the test
 * files reported running in (none when unknown).
 */
export function tally(
  backend: string,
  report: { testResults?: JsonFileResult[] },
  testRuntimes: readonly TestRuntime[] = [],
): ConformanceResult {
  const areas: AreaResult[] = [];
  for (const file of report.testResults ?? []) {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const failures: Failure[] = [];
    for (const test of file.assertionResults ?? []) {
      if (test.status === 'passed') passed++;
      else if (test.status === 'failed') {
        failed++;
        const name = test.fullName ?? [...(test.ancestorTitles ?? []), test.title ?? ''].join(' > ');
        failures.push({ name, message: firstLines((test.failureMessages ?? []).join('\n')) });
      } else skipped++;
    }
    if (file.status === 'failed' && failed === 0) {
      failed++;
      failures.push({ name: `${areaOf(file.name)} (file)`, message: firstLines(file.message || 'the test file failed') });
    }
    areas.push({ area: areaOf(file.name), passed, failed, skipped, failures });
  }
  areas.sort((a, b) => a.area.localeCompare(b.area));
  const sum = (key: 'passed' | 'failed' | 'skipped') => areas.reduce((n, a) => n + a[key], 0);
  const passed = sum('passed');
  const failed = sum('failed');
  return { backend, areas, passed, failed, skipped: sum('skipped'), ok: failed === 0 && passed > 0, runtime: runtimeLabel(), testRuntimes };
}

/**
 * Runs the suite against `options.backend` in this process's vitest (test files in child
 * processes, one at a time, as the package's vitest config says) and returns the tally.
 * Progress goes to stdout; nothing is thrown for failing tests (see `ok`).
 */
export async function runConformance(options: RunOptions): Promise<ConformanceResult> {
  const backend = resolveBackend(options.backend, options.cwd);
  const { startVitest } = await import('vitest/node');
  const dir = mkdtempSync(join(tmpdir(), 'threadkit-conformance-'));
  const reportFile = join(dir, 'report.json');
  const runtimeLog = join(dir, 'runtimes.log');
  const previous = process.env.THREADKIT_BACKEND;
  const previousLog = process.env.THREADKIT_CONFORMANCE_RUNTIME_LOG;
  process.env.THREADKIT_BACKEND = backend;
  process.env.THREADKIT_CONFORMANCE_RUNTIME_LOG = runtimeLog;
  try {
    const filters = (options.areas ?? []).map((area) => `suite/${area}.test.ts`);
    const vitest = await startVitest('test', filters, {
      root: PACKAGE_ROOT,
      config: join(PACKAGE_ROOT, 'vitest.config.ts'),
      watch: false,
      run: true,
      reporters: [options.verbose ? 'default' : 'dot', ['json', { outputFile: reportFile }]],
    });
    await vitest?.close();
    let report: { testResults?: JsonFileResult[] } = {};
    try {
      report = JSON.parse(readFileSync(reportFile, 'utf8')) as typeof report;
    } catch {
      report = {};
    }
    return tally(backend, report, readTestRuntimes(runtimeLog));
  } finally {
    if (previous === undefined) delete process.env.THREADKIT_BACKEND;
    else process.env.THREADKIT_BACKEND = previous;
    if (previousLog === undefined) delete process.env.THREADKIT_CONFORMANCE_RUNTIME_LOG;
    else process.env.THREADKIT_CONFORMANCE_RUNTIME_LOG = previousLog;
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The pass/fail table printed by the CLI, followed by the failures. */
export function formatTable(result: ConformanceResult): string {
  const rows = result.areas.map((a) => [a.area, String(a.passed), String(a.failed), String(a.skipped), a.failed === 0 ? 'ok' : 'FAIL']);
  rows.push(['total', String(result.passed), String(result.failed), String(result.skipped), result.ok ? 'ok' : 'FAIL']);
  const header = ['area', 'passed', 'failed', 'skipped', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r.map((cell, i) => (i === 0 || i === r.length - 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  const ranIn = result.testRuntimes.map((r) => `${r.runtime} (${r.processes} test-file process${r.processes === 1 ? '' : 'es'})`).join(', ');
  const out = [
    `threadkit conformance — backend: ${result.backend} — runtime: ${result.runtime}`,
    `test files ran in: ${ranIn || 'unknown (no test file reported its runtime)'}`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
  ];
  for (const [i, r] of rows.entries()) {
    if (i === rows.length - 1) out.push(line(widths.map((w) => '-'.repeat(w))));
    out.push(line(r));
  }
  const failures = result.areas.flatMap((a) => a.failures.map((f) => ({ area: a.area, ...f })));
  if (failures.length > 0) {
    out.push('', 'Failures:');
    for (const f of failures) out.push(`  ✗ [${f.area}] ${f.name}`, ...f.message.split('\n').map((l) => `      ${l}`));
  }
  out.push('', `${result.passed} passed, ${result.failed} failed${result.skipped > 0 ? `, ${result.skipped} skipped` : ''}`);
  return out.join('\n');
}
