/**
 * The suite's processes: a private redis-server on a free 127.0.0.1 port and threadkit-worker
 * processes, each awaited through its readiness line (no sleeps), all killed by `stopAll()`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** True when `redis-server` is on PATH. */
export const HAVE_REDIS = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
if (!HAVE_REDIS && process.env.THREADKIT_REQUIRE_REDIS === '1') {
  throw new Error('THREADKIT_REQUIRE_REDIS=1 but redis-server is not on PATH (apt-get install -y redis-server)');
}
if (!HAVE_REDIS) {
  console.warn('@threadkit/distributed: redis-server is not on PATH — the suites that need Redis are skipped (apt-get install -y redis-server)');
}
/** Why the suite is skipped, for its title. */
export const SKIP_REASON = HAVE_REDIS ? '' : ' [skipped: redis-server is not on PATH — apt-get install -y redis-server]';

const BIN = fileURLToPath(new URL('../bin/threadkit-worker.mjs', import.meta.url));
/** The fixture tasks module, as workers are given it. */
export const TASKS = fileURLToPath(new URL('./fixtures/tasks.mjs', import.meta.url));

const children = new Set<ChildProcess>();

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** A started process and the output it printed so far. */
export interface Proc {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

function start(command: string, args: string[], readyText: string | RegExp, what: string): Promise<Proc> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => (children.delete(child), resolve(code))));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (process.env.THREADKIT_DEBUG_PROCS) process.stderr.write(`[${what} ${child.pid}] ${chunk}`);
      if (typeof readyText === 'string' ? output.includes(readyText) : readyText.test(output)) resolve({ child, output: () => output, exited });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`${what} exited (${code}) before it was ready:\n${output}`)));
  });
}

/** Starts redis-server on `port` (no persistence). */
export function startRedis(port: number): Promise<Proc> {
  return start('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], 'Ready to accept connections', 'redis-server');
}

/** Starts a threadkit-worker on `queue`; resolves once it printed its readiness line. */
export function startWorker(url: string, queue: string, extra: string[] = []): Promise<Proc> {
  return start(process.execPath, [BIN, '--connection', url, '--queue', queue, '--tasks', TASKS, ...extra], /threadkit-worker ready queue=\S+ threads=\d+ pid=\d+/, 'threadkit-worker');
}

/** Kills `proc` with `signal` and waits for it to exit; resolves its exit code. */
export async function stop(proc: Proc, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill(signal);
  return proc.exited;
}

/** Kills every process the suite started that still runs, and waits for them. */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/** Resolves once `proc` has printed something matching `pattern` (rejects if it exits first). */
export function waitForOutput(proc: Proc, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (pattern.test(proc.output())) {
        proc.child.stdout!.off('data', later);
        proc.child.stderr!.off('data', later);
        resolve();
      }
    };
    const later = (): void => void setImmediate(check);
    proc.child.stdout!.on('data', later);
    proc.child.stderr!.on('data', later);
    void proc.exited.then(() => setImmediate(() => (check(), reject(new Error(`process exited before printing ${pattern}:\n${proc.output()}`)))));
    check();
  });
}
