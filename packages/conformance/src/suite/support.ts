/**
 * Helpers shared by the suite's test files (main-thread side only: thread bodies that need the
 * API live in `../fixtures/threads.mjs` and are reached with {@link fx}).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { task, type TaskRef } from '#backend';

/** URL of the fixture module holding thread bodies that use the API. */
export const FIXTURES = new URL('../fixtures/threads.mjs', import.meta.url).href;

/** A thread target / executor task naming an export of the fixture module. */
export function fx(exportName: string): TaskRef {
  return task(FIXTURES, exportName);
}

/** Timer granularity tolerance for one-sided "waited at least" assertions, in ms. */
export const SLACK_MS = 1;

/** Milliseconds since `t0` (a `performance.now()` reading). */
export function since(t0: number): number {
  return performance.now() - t0;
}

/**
 * The specifier a child process imports to get the backend under test, chosen from
 * THREADKIT_BACKEND as the vitest config does: a path (or `file:` URL) is a module file, a
 * package name (`@scope/pkg`, `a/b`) is used as is, a short name means `@threadkit/backend-<name>`.
 */
export function backendSpecifier(): string {
  const chosen = process.env.THREADKIT_BACKEND || 'workers';
  if (chosen.startsWith('file:')) return chosen;
  if (chosen.startsWith('.') || isAbsolute(chosen)) return pathToFileURL(resolve(chosen)).href;
  if (/^[a-z][a-z0-9]*$/.test(chosen) && !chosen.includes('-')) return `@threadkit/backend-${chosen}`;
  return chosen;
}

/** Result of {@link runChild}. */
export interface ChildResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs fixture script `name` (in `../fixtures/`) in a fresh Node process with the backend under
 * test; the script finds it in `THREADKIT_BACKEND_SPECIFIER`. `env` adds variables (a small
 * `THREADKIT_HEAP_MB`). Killed after `timeoutMs` (default 30 s: a hang fails).
 */
export function runChild(name: string, args: string[] = [], env: Record<string, string> = {}, timeoutMs = 30_000): ChildResult {
  const script = fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
  const r = spawnSync(process.execPath, [script, ...args], {
    env: { ...process.env, ...env, THREADKIT_BACKEND_SPECIFIER: backendSpecifier() },
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Starts fixture script `name` (in `../fixtures/`) in a fresh Node process with the backend under
 * test, its standard streams piped, for a test that talks to it while it runs (signals, stdin).
 */
export function spawnChild(name: string, args: string[] = [], env: Record<string, string> = {}): ChildProcessWithoutNullStreams {
  requireNode('child processes');
  const script = fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
  return spawn(process.execPath, [script, ...args], {
    env: { ...process.env, ...env, THREADKIT_BACKEND_SPECIFIER: backendSpecifier() },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Runs `node args…` (the Node running the suite) without blocking the event loop; resolves once it exits. */
export function runNodeAsync(args: string[], timeoutMs = 30_000): Promise<ChildResult> {
  requireNode('child processes');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The path of the api package's command `name` (in its `bin/`). */
export function apiBin(name: string): string {
  const entry = createRequire(import.meta.url).resolve('@threadkit/api');
  return join(dirname(entry), '..', 'bin', name);
}

/** A TCP port free on 127.0.0.1 right now (the system's pick for port 0). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The runtime's full garbage collection, or undefined where it has none: a `gc` global (Node
 * with --expose-gc, Deno with --v8-flags=--expose-gc), Bun's `Bun.gc(true)`, or Node's `gc`
 * exposed at run time through node:v8 (where that fails, as in a browser, there is none).
 */
function findGc(): (() => void) | undefined {
  const g = globalThis as { gc?: () => void; Bun?: { gc(force: boolean): void } };
  if (typeof g.gc === 'function') return g.gc;
  const bun = g.Bun;
  if (bun !== undefined) return () => bun.gc(true);
  const proc = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process;
  const v8 = proc?.getBuiltinModule?.('node:v8') as { setFlagsFromString(flags: string): void } | undefined;
  const vm = proc?.getBuiltinModule?.('node:vm') as { runInNewContext(code: string): unknown } | undefined;
  if (v8 === undefined || vm === undefined) return undefined;
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs a full garbage collection and lets FinalizationRegistry callbacks run, where the runtime
 * allows it (see {@link findGc}); resolves to false where it cannot. A test that relies on it
 * throws "needs Node (…)" on false, which the browser harness counts as not applicable.
 */
export async function collectGarbage(): Promise<boolean> {
  const gc = findGc();
  if (gc === undefined) return false;
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

/**
 * Throws "needs Node (…)" where there is no Node `process` (a browser), for tests whose
 * scenario only exists there (a thread that ends its worker with `process.exit`); browser
 * harnesses count that error as not applicable.
 */
export function requireNode(what: string): void {
  const proc = (globalThis as { process?: { exit?: unknown } }).process;
  if (typeof proc?.exit !== 'function') throw new Error(`needs Node (${what})`);
}
