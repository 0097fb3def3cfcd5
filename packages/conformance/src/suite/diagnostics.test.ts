import { describe, expect, it } from 'vitest';
import {
  Barrier,
  Condition,
  dumpThreads,
  Event,
  Future,
  Lock,
  Queue,
  RLock,
  Semaphore,
  setDumpStacks,
  sleep,
  Thread,
} from '#backend';
import { apiBin, backendSpecifier, freePort, fx, runNodeAsync, spawnChild, type ChildResult } from './support';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { currentRuntime, runtimeLabel } from '../runtime';

/** Polls `dumpThreads()` until `done(dump)` holds (a handshake on the threads' state, not a timing); returns that dump. */
function dumpWhen(done: (dump: string) => boolean, limitMs = 20_000): string {
  const end = performance.now() + limitMs;
  for (;;) {
    const dump = dumpThreads();
    if (done(dump)) return dump;
    if (performance.now() > end) throw new Error(`the dump never showed the expected state:\n${dump}`);
    sleep(2);
  }
}

/** The dump's line for the thread named `name`. */
function lineOf(dump: string, name: string): string {
  return dump.split('\n').find((line) => line.startsWith(`"${name}" (ident `)) ?? '';
}

/** Whether a worker of this Node can open a signal handle (Node 20 can; Node 26 has no `signal_wrap` binding there). */
async function workersHaveSignalHandle(): Promise<boolean> {
  const { Worker } = await import('node:worker_threads');
  const probe = `const { parentPort } = require('node:worker_threads');
    process.noDeprecation = true;
    let ok = false;
    try { ok = typeof process.binding('signal_wrap').Signal === 'function'; } catch {}
    parentPort.postMessage(ok);`;
  return new Promise((resolve) => {
    const worker = new Worker(probe, { eval: true });
    worker.once('message', (ok) => {
      void worker.terminate();
      resolve(ok === true);
    });
    worker.once('error', () => resolve(false));
  });
}

/**
 * Runs the `signal` child with `env` (its main thread blocked in join() until the test writes to
 * its stdin), calls `ask(child)` once it is ready, then waits for the dump on its stderr and checks
 * it: main waiting in that join, the other thread running, and a clean exit after.
 */
async function dumpFromOutside(env: Record<string, string>, ask: (child: ChildProcessWithoutNullStreams) => void): Promise<void> {
  const child = spawnChild('child-diagnostics.mjs', ['signal'], env);
  let stdout = '';
  let stderr = '';
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve) => {
    let asked = false;
    const check = (): void => {
      if (!asked && stdout.includes('ready')) {
        asked = true;
        ask(child);
      }
      if (stderr.includes('deadlock')) resolve();
    };
    child.stdout.on('data', (chunk) => { stdout += chunk; check(); }); // prettier-ignore
    child.stderr.on('data', (chunk) => { stderr += chunk; check(); }); // prettier-ignore
    void exited.then(() => resolve());
  });
  child.stdin.end('go\n');
  const code = await exited;
  clearTimeout(killer);
  expect(stderr).toMatch(/threadkit thread dump \(\w+ backend/);
  expect(stderr).toMatch(/"MainThread" \(ident 1\) nativeId=\d+: waiting in join\(<Thread\(stdin-reader, started \d+\)>\) for \d+ ms/);
  expect(stderr).toMatch(/"stdin-reader" \(ident \d+\) nativeId=\d+: running/);
  expect(stdout).toContain('main joined');
  expect(code).toBe(0);
}

describe('dumpThreads', () => {
  it('lists every live thread with its ident, native id, daemon flag and state', () => {
    const release = new Event();
    const t = new Thread({ name: 'dump-daemon', target: (r: Event) => r.wait(), args: [release], daemon: true });
    t.start();
    const dump = dumpWhen((d) => lineOf(d, 'dump-daemon').includes('waiting'));
    expect(dump).toMatch(/^threadkit thread dump \(\w+ backend, \d+ threads?, /);
    expect(lineOf(dump, 'MainThread')).toMatch(/^"MainThread" \(ident 1\) nativeId=\d+: running$/);
    expect(lineOf(dump, 'dump-daemon')).toMatch(
      new RegExp(`^"dump-daemon" \\(ident ${t.ident}\\) nativeId=\\d+ daemon: waiting in Event\\.wait <Event unset> for \\d+ ms$`),
    );
    release.set();
    t.join();
    expect(lineOf(dumpThreads(), 'dump-daemon')).toBe('');
  });

  it('names what each waiting thread waits in, and who holds a lock', () => {
    const lock = new Lock();
    const rlock = new RLock();
    lock.acquire();
    rlock.acquire();
    const cond = new Condition(new Lock());
    const ev = new Event();
    const sem = new Semaphore(0);
    const barrier = new Barrier(2);
    const empty = new Queue();
    const full = new Queue(1);
    full.put('x');
    const unfinished = new Queue();
    unfinished.put('y');
    unfinished.get();
    const future = new Future();
    const release = new Event();
    // Targets of different parameter lists: `any[]`, so each row's args need not match one type.
    const spec: [string, (...args: any[]) => unknown, unknown[]][] = [
      ['w-lock', (l: Lock) => l.acquire(), [lock]],
      ['w-rlock', (l: RLock) => l.acquire(), [rlock]],
      ['w-cond', (c: Condition) => { c.acquire(); c.wait(); c.release(); }, [cond]],
      ['w-event', (e: Event) => e.wait(), [ev]],
      ['w-sem', (s: Semaphore) => s.acquire(), [sem]],
      ['w-barrier', (b: Barrier) => b.wait(), [barrier]],
      ['w-get', (q: Queue) => q.get(), [empty]],
      ['w-put', (q: Queue) => q.put('z'), [full]],
      ['w-qjoin', (q: Queue) => q.join(), [unfinished]],
      ['w-future', (f: Future) => f.result(), [future]],
    ];
    const threads = spec.map(([name, target, args]) => new Thread({ name, target, args }));
    // A lock main holds that nobody waits for, shared (sent to a thread) so the dump can see it.
    const quiet = new Lock();
    quiet.acquire();
    threads.push(new Thread({ name: 'w-sleep', target: fx('sleepUntilSet'), args: [release, quiet] }));
    threads.push(new Thread({ name: 'w-wait', target: fx('waitForFuture'), args: [future] }));
    threads.push(new Thread({ name: 'w-ascompleted', target: fx('iterateAsCompleted'), args: [future] }));
    threads.forEach((t) => t.start());
    const joiner = new Thread({ name: 'w-join', target: (t: Thread) => t.join(), args: [threads[3]] });
    joiner.start();
    const names = [...spec.map(([name]) => name), 'w-sleep', 'w-wait', 'w-ascompleted', 'w-join'];
    const dump = dumpWhen((d) => names.every((name) => lineOf(d, name).includes('waiting in')));
    const expected: Record<string, string> = {
      'w-lock': 'waiting in Lock.acquire <Lock locked> for \\d+ ms, held by "MainThread" \\(ident 1\\)',
      'w-rlock': 'waiting in RLock.acquire <RLock locked owner=1 count=1> for \\d+ ms, held by "MainThread" \\(ident 1\\)',
      'w-cond': 'waiting in Condition.wait <Condition\\(<Lock unlocked>, 1\\)> for',
      'w-event': 'waiting in Event.wait <Event unset> for',
      'w-sem': 'waiting in Semaphore.acquire <Semaphore value=0> for',
      'w-barrier': 'waiting in Barrier.wait <Barrier waiters=1/2> for',
      'w-get': 'waiting in Queue.get <Queue size=0> for',
      'w-put': 'waiting in Queue.put <Queue size=1 maxsize=1> for',
      'w-qjoin': 'waiting in Queue.join <Queue size=0> for',
      'w-future': 'waiting in Future.result <Future state=pending> for',
      'w-sleep': 'waiting in sleep for \\d+ ms \\(with a timeout\\)',
      'w-wait': 'waiting in wait\\(futures\\) for',
      'w-ascompleted': 'waiting in asCompleted\\(futures\\) for',
      'w-join': `waiting in join\\(<Thread\\(w-event, started ${threads[3].ident}\\)>\\) for`,
    };
    for (const [name, pattern] of Object.entries(expected)) expect(lineOf(dump, name)).toMatch(new RegExp(pattern));
    // The locks main holds, as those waiting for them see them.
    const mainPart = dump.slice(dump.indexOf('"MainThread"'), dump.indexOf('\n"', dump.indexOf('"MainThread"') + 1));
    const lockLine = mainPart.split('\n').filter((line) => line.includes('holds <Lock locked>'));
    expect(lockLine).toHaveLength(2);
    expect(lockLine.filter((line) => /^ {4}holds <Lock locked> at 0x[0-9a-f]+ \(waited for by "w-lock" \(ident \d+\)\)$/.test(line))).toHaveLength(1);
    expect(lockLine.filter((line) => /^ {4}holds <Lock locked> at 0x[0-9a-f]+$/.test(line))).toHaveLength(1);
    expect(mainPart).toMatch(/\n {4}holds <RLock locked owner=1 count=1> at 0x[0-9a-f]+ \(waited for by "w-rlock" \(ident \d+\)\)/);
    // Let everyone go.
    lock.release();
    rlock.release();
    cond.acquire();
    cond.notifyAll();
    cond.release();
    ev.set();
    sem.release();
    barrier.wait();
    empty.put(1);
    full.get();
    unfinished.taskDone();
    future.setResult(1);
    release.set();
    quiet.release();
    for (const t of [...threads, joiner]) t.join();
    expect(threads.every((t) => !t.isAlive())).toBe(true);
  });

  it('records where a thread blocked when stacks are on (off by default)', (ctx) => {
    if (currentRuntime().name === 'unknown') ctx.skip('checks the stack format of Node, Bun and Deno');
    const ev = new Event();
    const off = new Thread({ name: 'no-stack', target: fx('blockOnEvent'), args: [ev] });
    off.start();
    const before = dumpWhen((d) => lineOf(d, 'no-stack').includes('waiting'));
    expect(before.slice(before.indexOf('"no-stack"')).split('\n')[1] ?? '').not.toContain('blocked at:');
    ev.set();
    off.join();
    setDumpStacks(true);
    try {
      const ev2 = new Event();
      const on = new Thread({ name: 'with-stack', target: fx('blockOnEvent'), args: [ev2] });
      on.start();
      const dump = dumpWhen((d) => lineOf(d, 'with-stack').includes('waiting'));
      const part = dump.slice(dump.indexOf('"with-stack"'));
      expect(part).toMatch(/^"with-stack"[^\n]*\n {4}blocked at:\n {6}at blockOnEvent \([^)]*threads\.mjs:\d+:\d+\)/);
      ev2.set();
      on.join();
    } finally {
      setDumpStacks(false);
    }
  });

  it('a signal prints the dump to stderr from outside, while the main thread is blocked in join()', async (ctx) => {
    // The supervisor hears the signal through the native addon's C handler (the native backend,
    // on any Node) or through Node's own signal handle for a worker (Node 20); Bun and Deno have
    // neither (the main thread's listener there cannot run while it is blocked).
    if (currentRuntime().name !== 'node') ctx.skip(`needs Node's signal handle in a worker, which ${runtimeLabel()} does not have`);
    const ownWatch = backendSpecifier() === '@threadkit/backend-native';
    if (!ownWatch && !(await workersHaveSignalHandle())) ctx.skip(`needs Node's signal handle in a worker (process.binding('signal_wrap')), which ${runtimeLabel()} no longer gives: threadkit-dump <pid> does it there (next test)`);
    await dumpFromOutside({ THREADKIT_DUMP_ON_SIGNAL: 'SIGUSR2' }, (child) => void child.kill('SIGUSR2'));
  });

  it('threadkit-dump <pid> makes the process print the dump through its inspector, while the main thread is blocked in join()', async (ctx) => {
    if (currentRuntime().name !== 'node') ctx.skip(`opens the process's inspector with SIGUSR1, which ${runtimeLabel()} does not`);
    if (backendSpecifier() === '@threadkit/backend-native') ctx.skip("the native backend's main thread parks in the addon, out of reach of V8's interrupts: its dump comes from its own signal watch (test above)");
    const port = await freePort();
    let asked: Promise<ChildResult> | undefined;
    let pid = 0;
    await dumpFromOutside({ NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --inspect-port=127.0.0.1:${port}` }, (child) => {
      pid = child.pid!;
      asked = runNodeAsync([apiBin('threadkit-dump.mjs'), String(pid), '--port', String(port)]);
    });
    const r = await asked!;
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`threadkit-dump: threadkit: process ${pid} prints its thread dump on its stderr`);
  });
});
