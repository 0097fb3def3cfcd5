import { afterEach, describe, expect, it } from 'vitest';
import { activeCount, BrokenThreadPool, enumerate, Event, Queue, setExcepthook, shared, Thread, ThreadPoolExecutor, Value } from '#backend';
import { fx, requireNode, runChild } from './support';

afterEach(() => {
  setExcepthook(undefined);
});

function hookLog(): Queue {
  return shared('conformance.excepthook.log', () => new Queue());
}

describe('faults', () => {
  it('a thread that throws ends, goes to the excepthook, and the process goes on', () => {
    const log = hookLog();
    setExcepthook(fx('recordingHook'));
    const t = new Thread({ target: fx('throwError'), args: ['fault'], name: 'faulty' });
    t.start();
    t.join();
    expect(t.isAlive()).toBe(false);
    expect(log.get(true, 10_000)).toMatchObject({ thread: 'faulty', message: 'fault' });
    const v = new Value('i', 0);
    const u = new Thread({ target: (c: Value) => { c.value = 1; }, args: [v] });
    u.start();
    u.join();
    expect(v.value).toBe(1);
  });

  it('several threads failing at once are all reported and all joined', () => {
    const log = hookLog();
    setExcepthook(fx('recordingHook'));
    const threads = Array.from({ length: 6 }, (_, i) => new Thread({ target: fx('throwError'), args: [`e${i}`] }));
    for (const t of threads) t.start();
    for (const t of threads) t.join();
    const messages = threads.map(() => (log.get(true, 10_000) as { message: string }).message).sort();
    expect(messages).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5']);
  });

  it('a thread whose worker calls process.exit() ends; its joiner does not hang', () => {
    const t = new Thread({ target: fx('exitWorker'), args: [5], name: 'exiting' });
    t.start();
    t.join();
    expect(t.isAlive()).toBe(false);
    const q = new Queue();
    const u = new Thread({ target: (out: Queue) => out.put('next thread ran'), args: [q] });
    u.start();
    u.join();
    expect(q.get(true, 10_000)).toBe('next thread ran');
  });

  it('a thread that died with its worker leaves enumerate() and activeCount()', () => {
    const before = activeCount();
    const t = new Thread({ target: fx('exitWorker'), args: [6], name: 'gone-thread' });
    t.start();
    t.join();
    expect(enumerate().map((x) => x.name)).not.toContain('gone-thread');
    expect(activeCount()).toBe(before);
  });

  it('joinAsync of a thread that calls process.exit() resolves', async () => {
    const started = new Event();
    requireNode('process.exit in a thread');
    const t = new Thread({ target: fx('exitAfter'), args: [started] });
    t.start();
    await t.joinAsync();
    expect(started.isSet()).toBe(true);
    expect(t.isAlive()).toBe(false);
  });

  it('a dying worker does not disturb other running threads', () => {
    const release = new Event();
    const done = new Value('i', 0);
    const survivor = new Thread({ target: (r: Event, d: Value) => { r.wait(); d.value = 1; }, args: [release, done] });
    survivor.start();
    const dying = new Thread({ target: fx('exitWorker'), args: [1] });
    dying.start();
    dying.join();
    expect(survivor.isAlive()).toBe(true);
    release.set();
    survivor.join();
    expect(done.value).toBe(1);
  });

  it('in a fresh process: process.exit() in a thread does not end the process or hang join', () => {
    const r = runChild('child-exit.mjs');
    expect(r.stdout).toContain('joined alive=false next=false');
    expect(r.status).toBe(0);
  });

  it('an executor whose pool thread dies is broken: running and pending futures get BrokenThreadPool', () => {
    const ex = new ThreadPoolExecutor(1);
    const gate = new Event();
    requireNode('process.exit in a thread');
    const dying = ex.submit(fx('exitWhenSet'), gate, 4);
    const pending = ex.submit((x: number) => x, 1);
    gate.set();
    expect(() => dying.result(10_000)).toThrow(BrokenThreadPool);
    expect(() => pending.result(10_000)).toThrow(BrokenThreadPool);
    expect(() => ex.submit((x: number) => x, 2)).toThrow(BrokenThreadPool);
    ex.shutdown();
  });

  it('the same, awaited: a dead pool thread fails its futures with BrokenThreadPool', async () => {
    const ex = new ThreadPoolExecutor(1);
    const gate = new Event();
    requireNode('process.exit in a thread');
    const dying = ex.submit(fx('exitWhenSet'), gate, 4);
    const pending = ex.submit((x: number) => x, 1);
    gate.set();
    await expect(dying.resultAsync(10_000)).rejects.toBeInstanceOf(BrokenThreadPool);
    await expect(pending.resultAsync(10_000)).rejects.toBeInstanceOf(BrokenThreadPool);
    expect(() => ex.submit((x: number) => x, 2)).toThrow(BrokenThreadPool);
    await ex.shutdownAsync();
  });

  it('non-daemon threads keep the process alive until they end', () => {
    const r = runChild('child-lifetime.mjs', ['non-daemon']);
    expect(r.stdout).toContain('main returns');
    expect(r.stdout).toContain('at exit flag=1 alive=false');
    expect(r.status).toBe(0);
  });

  it('daemon threads do not keep the process alive', () => {
    const r = runChild('child-lifetime.mjs', ['daemon']);
    expect(r.stdout).toContain('main done daemon=true alive=true');
    expect(r.status).toBe(0);
  });
});
