/**
 * Unit tests of Value, SharedArray and shared() on one thread over an in-memory fake backend.
 * A "thread" is simulated by re-importing the api modules after `vi.resetModules()`: fresh
 * module state (handle table, caches) over the same heap, as a new worker has.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeBackend } from './fake-backend';

const backend = fakeBackend();

/** The api as a fresh thread sees it: new module instances over the same heap. */
async function thread() {
  vi.resetModules();
  const runtime = await import('../src/runtime');
  runtime.installBackend(backend);
  return {
    ...(await import('../src/shared/value')),
    ...(await import('../src/shared/shared-array')),
    ...(await import('../src/shared/registry')),
    ...(await import('../src/codec')),
    ...(await import('../src/sync/rlock')),
    errors: await import('../src/errors'),
  };
}

let a: Awaited<ReturnType<typeof thread>>;
let b: Awaited<ReturnType<typeof thread>>;

beforeAll(async () => {
  a = await thread();
  b = await thread();
});

/** Sends `value` from thread a to thread b through the heap. */
function send<T>(value: T): T {
  return b.loadValue(a.storeValue(value)) as T;
}

describe('Value', () => {
  it('holds a number of each typecode', () => {
    expect(new a.Value('i').value).toBe(0);
    expect(new a.Value('i', 42).value).toBe(42);
    expect(new a.Value('int32', -5).value).toBe(-5);
    expect(new a.Value('I', 2 ** 32 - 1).value).toBe(2 ** 32 - 1);
    expect(new a.Value('d', 1.5).value).toBe(1.5);
    expect(new a.Value('q', 2n ** 62n).value).toBe(2n ** 62n);
    expect(new a.Value('bigint64', 7).value).toBe(7n);
    expect(new a.Value('d').typecode).toBe('d');
  });

  it('checks typecodes and values like Python', () => {
    expect(() => new a.Value('z' as 'i')).toThrow(RangeError);
    expect(() => new a.Value('z' as 'i')).toThrow('bad typecode');
    expect(() => new a.Value(3 as unknown as 'i')).toThrow(TypeError);
    expect(() => new a.Value('i', 1.5)).toThrow("'float' object cannot be interpreted as an integer");
    const v = new a.Value('d');
    expect(() => (v.value = '1' as unknown as number)).toThrow('must be real number, not string');
  });

  it('integer kinds wrap like C', () => {
    const v = new a.Value('i', 2 ** 31 - 1);
    v.value += 1;
    expect(v.value).toBe(-(2 ** 31));
    const u = new a.Value('I', 0);
    expect(u.sub(1)).toBe(0);
    expect(u.value).toBe(2 ** 32 - 1);
  });

  it('atomic helpers return the previous value', () => {
    for (const [code, one] of [['i', 1], ['I', 1], ['d', 1], ['q', 1n]] as const) {
      const v = new a.Value(code, 10);
      expect(v.add(one as never)).toEqual(code === 'q' ? 10n : 10);
      expect(v.load()).toEqual(code === 'q' ? 11n : 11);
      expect(v.sub(one as never)).toEqual(code === 'q' ? 11n : 11);
      v.store(5 as never);
      expect(v.compareExchange(4 as never, 9 as never)).toEqual(code === 'q' ? 5n : 5);
      expect(v.compareExchange(5 as never, 9 as never)).toEqual(code === 'q' ? 5n : 5);
      expect(v.value).toEqual(code === 'q' ? 9n : 9);
    }
    const d = new a.Value('d', 0.5);
    expect(d.add(0.25)).toBe(0.5);
    expect(d.load()).toBe(0.75);
    expect(Object.is(new a.Value('d', -0).compareExchange(0, 1), -0)).toBe(true);
  });

  it('is the same object in another thread, over the same memory', () => {
    const v = new a.Value('i', 1);
    const there = send(v);
    expect(there).not.toBe(v);
    expect(there).toBeInstanceOf(b.Value);
    expect(send(v)).toBe(there);
    there.value = 7;
    expect(v.value).toBe(7);
    expect(a.loadValue(b.storeValue(there))).toBe(v);
  });

  it('has one RLock, the same in every thread', () => {
    const v = new a.Value('d');
    const lock = v.getLock();
    expect(lock).toBeInstanceOf(a.RLock);
    expect(v.getLock()).toBe(lock);
    const there = send(v).getLock();
    expect(there).toBeInstanceOf(b.RLock);
    expect(a.loadValue(b.storeValue(there))).toBe(lock);
  });

  it('has a Python-ish repr', () => {
    expect(String(new a.Value('i', 42))).toBe('<Value typecode=i value=42>');
    expect(String(new a.Value('q', 3n))).toBe('<Value typecode=q value=3>');
  });
});

describe('SharedArray', () => {
  it('from a length or an iterable', () => {
    const zeros = new a.SharedArray('i', 3);
    expect(zeros.length).toBe(3);
    expect(zeros.toArray()).toEqual([0, 0, 0]);
    const doubles = new a.SharedArray('d', new Set([0.5, 1.5]));
    expect([...doubles]).toEqual([0.5, 1.5]);
    expect(new a.SharedArray('q', [1, 2n]).toArray()).toEqual([1n, 2n]);
    expect(new a.SharedArray('I', 0).toArray()).toEqual([]);
    expect(() => new a.SharedArray('i', -1)).toThrow('Array length must be >= 0, not -1');
    expect(() => new a.Value('q', 1.5)).toThrow(TypeError);
    expect(() => new a.Value('i', '1' as unknown as number)).toThrow("'string' object cannot be interpreted as an integer");
    expect(() => new a.SharedArray('i', [1.5])).toThrow(TypeError);
  });

  it('get/set with Python indexing', () => {
    const arr = new a.SharedArray('i', [1, 2, 3]);
    arr.set(0, 10);
    arr.set(-1, 30);
    expect(arr.get(-1)).toBe(30);
    expect(arr.toArray()).toEqual([10, 2, 30]);
    expect(() => arr.get(3)).toThrow(RangeError);
    expect(() => arr.get(-4)).toThrow('invalid index');
    expect(() => arr.get(0.5)).toThrow(TypeError);
  });

  it('atomic helpers', () => {
    const arr = new a.SharedArray('d', 2);
    expect(arr.add(1, 2.5)).toBe(0);
    expect(arr.load(1)).toBe(2.5);
    expect(arr.compareExchange(1, 2.5, 4)).toBe(2.5);
    arr.store(0, 1);
    expect(arr.sub(0, 1)).toBe(1);
    expect(arr.toArray()).toEqual([0, 4]);
  });

  it('is the same object in another thread, over the same memory', () => {
    const arr = new a.SharedArray('q', 4);
    const there = send(arr);
    expect(there).toBeInstanceOf(b.SharedArray);
    expect(there.length).toBe(4);
    there.set(2, 5n);
    expect(arr.get(2)).toBe(5n);
    expect(send({ arr })).toEqual({ arr: there });
    expect(there.getLock()).toBe(send(arr.getLock()));
  });

  it('has a Python-ish repr', () => {
    expect(String(new a.SharedArray('d', [1, 2.5]))).toBe('<SharedArray typecode=d length=2 [1, 2.5]>');
    expect(String(new a.SharedArray('i', 12))).toBe('<SharedArray typecode=i length=12 [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, …]>');
  });
});

describe('shared()', () => {
  it('runs the factory once per process; every thread gets the same object', () => {
    let runs = 0;
    const counter = a.shared('test.counter', () => {
      runs++;
      return new a.Value('i');
    });
    expect(a.shared('test.counter', () => new a.Value('i', 99))).toBe(counter);
    const there = b.shared('test.counter', () => {
      runs++;
      return new b.Value('i', 99);
    });
    expect(runs).toBe(1);
    expect(there).toBe(send(counter));
    there.add(1);
    expect(counter.value).toBe(1);
  });

  it('stores plain values as a copy per thread', () => {
    const config = a.shared('test.config', () => ({ size: 3, tags: ['x'] }));
    const there = b.shared('test.config', () => ({ size: 0, tags: [] }));
    expect(there).toEqual({ size: 3, tags: ['x'] });
    expect(there).not.toBe(config);
    expect(b.shared('test.config', () => null)).toBe(there);
  });

  it('a failing factory records nothing; the next caller initializes', () => {
    expect(() =>
      a.shared('test.flaky', () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(b.shared('test.flaky', () => 'second')).toBe('second');
    expect(a.shared('test.flaky', () => 'third')).toBe('second');
  });

  it('an uncloneable result is a TypeError naming the entry', () => {
    expect(() => a.shared('test.fn', () => ({ f: () => 0 }))).toThrow(
      'cannot copy shared("test.fn").f to another thread: function',
    );
    expect(a.shared('test.fn', () => 1)).toBe(1);
  });

  it('nested shared() of another name works; of the same name is a RuntimeError', () => {
    const outer = a.shared('test.outer', () => ({ inner: a.shared('test.inner', () => new a.Value('i', 5)) }));
    expect(outer.inner).toBe(a.shared('test.inner', () => undefined));
    expect(() => a.shared('test.loop', () => a.shared('test.loop', () => 1))).toThrow(a.errors.RuntimeError);
    expect(() => a.shared('test.loop', () => a.shared('test.loop', () => 1))).toThrow('recursive initialization');
    expect(a.shared('test.loop', () => 2)).toBe(2);
  });

  it('validates its arguments', () => {
    expect(() => a.shared(1 as unknown as string, () => 0)).toThrow(TypeError);
    expect(() => a.shared('test.bad', 0 as unknown as () => 0)).toThrow(TypeError);
  });
});
