import { describe, expect, it } from 'vitest';
import * as parity from '#backend';
import { fx } from './support';
import { Event, local, Queue, Thread } from '#backend';

/** Runs `target(loc, q, value)` in a new thread and returns what it put into its queue. */
function inThread(loc: object, value: unknown): unknown {
  const q = new Queue();
  const t = new Thread({
    target: (l: Record<string, unknown>, out: Queue, v: unknown) => { const before = l.x; l.x = v; out.put([before, l.x, 'y' in l]); },
    args: [loc as Record<string, unknown>, q, value],
  });
  t.start();
  t.join();
  return q.get(true, 10_000);
}

describe('local', () => {
  it('stores attributes for the calling thread', () => {
    const data = local();
    data.x = 1;
    data.y = 'two';
    expect(data.x).toBe(1);
    expect(data.y).toBe('two');
    expect('x' in data).toBe(true);
    delete data.x;
    expect('x' in data).toBe(false);
  });

  it('works with new', () => {
    const data = new local();
    data.v = 3;
    expect(data.v).toBe(3);
  });

  it('another thread starts with nothing and does not see or change this thread’s values', () => {
    const data = local();
    data.x = 'main';
    data.y = 'only here';
    expect(inThread(data, 'thread')).toEqual([undefined, 'thread', false]);
    expect(data.x).toBe('main');
  });

  it('each new thread starts empty, even on a reused worker', () => {
    const data = local();
    for (let i = 0; i < 6; i++) expect(inThread(data, i)).toEqual([undefined, i, false]);
  });

  it('concurrent threads keep separate values', () => {
    const data = local();
    const q = new Queue();
    const go = new Event();
    const threads = Array.from({ length: 4 }, (_, i) =>
      new Thread({
        target: (l: Record<string, unknown>, g: Event, out: Queue, v: number) => { l.n = v; g.wait(); out.put([v, l.n]); },
        args: [data, go, q, i],
      }),
    );
    for (const t of threads) t.start();
    go.set();
    for (const t of threads) t.join();
    for (let i = 0; i < 4; i++) {
      const [v, seen] = q.get(true, 10_000) as [number, number];
      expect(seen).toBe(v);
    }
    expect(data.n).toBeUndefined();
  });

  it('Object.keys lists only this thread’s attributes', () => {
    const data = local();
    data.a = 1;
    data.b = 2;
    expect(Object.keys(data).sort()).toEqual(['a', 'b']);
  });
});

describe('local: Python parity', () => {
  it('takes no arguments: local(1) and new local(1) raise TypeError', () => {
    const ctor = parity.local as unknown as (...a: unknown[]) => unknown;
    expect(() => ctor(1)).toThrow(new TypeError('Initialization arguments are not supported'));
    expect(() => new (parity.local as unknown as new (...a: unknown[]) => unknown)(1)).toThrow(new TypeError('Initialization arguments are not supported'));
  });

  it('a subclass whose constructor takes arguments works', () => {
    class Named extends parity.local {
      constructor(readonly label: string) {
        super();
      }
    }
    expect(new Named('x').label).toBe('x');
  });

  it('a subclass: instances of it, its field defaults and methods, in main and in another thread', () => {
    class MyLocal extends parity.local {
      n = 2;
      squared(): number {
        return this.n ** 2;
      }
    }
    const mine = new MyLocal();
    expect(mine).toBeInstanceOf(MyLocal);
    expect(mine).toBeInstanceOf(parity.local);
    expect(mine.squared()).toBe(4);
    mine.n = 3;
    expect(mine.squared()).toBe(9);
    // In another thread (a module export: a class defined inside a self-contained target would
    // name `local`, which a bundler may rename).
    const ex = new parity.ThreadPoolExecutor(1);
    expect(ex.submit(fx('localSubclassInThread')).result(10_000)).toEqual([true, 4, 9]);
    ex.shutdown();
    expect(mine.squared()).toBe(9);
  });
});
