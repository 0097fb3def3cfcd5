import { describe, expect, it } from 'vitest';
import { Event, Lock, Queue, RLock, RuntimeError, shared, SharedArray, Thread, ThreadPoolExecutor, Value } from '#backend';
import { fx } from './support';

describe('Value', () => {
  it('holds a number: .value reads and writes; repr shows typecode and value', () => {
    const v = new Value('i', 5);
    expect(v.value).toBe(5);
    v.value = 42;
    expect(v.value).toBe(42);
    expect(v.typecode).toBe('i');
    expect(String(v)).toBe('<Value typecode=i value=42>');
  });

  it('defaults to 0', () => {
    expect(new Value('d').value).toBe(0);
  });

  it('float64 values keep fractions; int32 values wrap like C ints', () => {
    const d = new Value('d', 1.5);
    d.value = 0.25;
    expect(d.value).toBe(0.25);
    const i = new Value('i', 2147483647);
    i.add(1);
    expect(i.value).toBe(-2147483648);
  });

  it('bigint64 values hold bigints', () => {
    const q = new Value('q', 10n);
    q.add(5n);
    expect(q.value).toBe(15n);
  });

  it("a non-integer for an integer typecode is TypeError(\"'float' object cannot be interpreted as an integer\")", () => {
    const i = new Value('i', 0);
    expect(() => { i.value = 1.5; }).toThrow(TypeError);
    expect(() => new Value('i', 0.5)).toThrow("'float' object cannot be interpreted as an integer");
    expect(i.value).toBe(0);
  });

  it('an unknown typecode is a RangeError', () => {
    expect(() => new Value('x' as 'i', 0)).toThrow(RangeError);
  });

  it('add / sub return the previous value; load / store are atomic reads and writes', () => {
    const v = new Value('i', 10);
    expect(v.add(5)).toBe(10);
    expect(v.sub(3)).toBe(15);
    expect(v.load()).toBe(12);
    v.store(7);
    expect(v.value).toBe(7);
  });

  it('compareExchange swaps only on a match and returns the previous value', () => {
    const v = new Value('i', 1);
    expect(v.compareExchange(1, 2)).toBe(1);
    expect(v.value).toBe(2);
    expect(v.compareExchange(1, 3)).toBe(2);
    expect(v.value).toBe(2);
  });

  it('getLock() is an RLock, the same one every time and in every thread', () => {
    const v = new Value('i', 0);
    const lock = v.getLock();
    expect(lock).toBeInstanceOf(RLock);
    expect(v.getLock()).toBe(lock);
    const q = new Queue();
    const t = new Thread({ target: (val: Value, out: Queue) => out.put(val.getLock()), args: [v, q] });
    t.start();
    t.join();
    expect(q.get(true, 10_000)).toBe(lock);
  });

  it('writes in one thread are seen in another (the same memory)', () => {
    const v = new Value('d', 0);
    const t = new Thread({ target: (val: Value) => { val.value = 3.25; }, args: [v] });
    t.start();
    t.join();
    expect(v.value).toBe(3.25);
  });

  it('atomic add from 4 threads is exact', () => {
    const v = new Value('i', 0);
    const threads = Array.from({ length: 4 }, () => new Thread({ target: (val: Value) => { for (let i = 0; i < 10_000; i++) val.add(1); }, args: [v] }));
    for (const t of threads) t.start();
    for (const t of threads) t.join();
    expect(v.value).toBe(40_000);
  });

  it('the built-in lock makes read-modify-write of .value exact', () => {
    const v = new Value('i', 0);
    const threads = Array.from({ length: 4 }, () =>
      new Thread({
        target: (val: Value) => { const l = val.getLock(); for (let i = 0; i < 3000; i++) { l.acquire(); val.value = val.value + 1; l.release(); } },
        args: [v],
      }),
    );
    for (const t of threads) t.start();
    for (const t of threads) t.join();
    expect(v.value).toBe(12_000);
  });
});

describe('SharedArray', () => {
  it('is created from a length (zeros) or from an iterable', () => {
    const a = new SharedArray('i', 3);
    expect(a.length).toBe(3);
    expect(a.toArray()).toEqual([0, 0, 0]);
    const b = new SharedArray('d', [1, 2.5]);
    expect(b.toArray()).toEqual([1, 2.5]);
    expect([...b]).toEqual([1, 2.5]);
  });

  it('get / set with negative indices counting from the end', () => {
    const a = new SharedArray('i', [1, 2, 3]);
    a.set(-1, 30);
    expect(a.get(-1)).toBe(30);
    expect(a.get(0)).toBe(1);
  });

  it('an index out of range is a RangeError', () => {
    const a = new SharedArray('i', 2);
    expect(() => a.get(2)).toThrow(RangeError);
    expect(() => a.set(-3, 1)).toThrow(RangeError);
  });

  it('add / compareExchange are atomic per element', () => {
    const a = new SharedArray('i', 2);
    expect(a.add(1, 5)).toBe(0);
    expect(a.compareExchange(1, 5, 6)).toBe(5);
    expect(a.get(1)).toBe(6);
  });

  it('repr shows typecode, length and elements', () => {
    expect(String(new SharedArray('d', [1, 2.5, 0]))).toBe('<SharedArray typecode=d length=3 [1, 2.5, 0]>');
  });

  it('is the same memory in every thread: per-thread slots are all written', () => {
    const a = new SharedArray('i', 4);
    const threads = [0, 1, 2, 3].map((i) => new Thread({ target: (arr: SharedArray, k: number) => { for (let n = 0; n < 1000; n++) arr.add(k, 1); }, args: [a, i] }));
    for (const t of threads) t.start();
    for (const t of threads) t.join();
    expect(a.toArray()).toEqual([1000, 1000, 1000, 1000]);
  });

  it('bigint arrays hold bigints', () => {
    const a = new SharedArray('q', [1n, 2n]);
    a.add(0, 10n);
    expect(a.toArray()).toEqual([11n, 2n]);
  });

  it('typedArray() is the elements themselves, as the typecode\'s typed array, in every thread (no copy)', () => {
    const d = new SharedArray('d', [3.5, -1, 2, 0.25]);
    const view = d.typedArray();
    expect(view).toBeInstanceOf(Float64Array);
    expect(Array.from(view)).toEqual([3.5, -1, 2, 0.25]);
    view[1] = 1;
    expect(d.get(1)).toBe(1);
    // Another thread sorts half of it in place through its own typed array.
    const t = new Thread({ target: (arr: SharedArray) => void arr.typedArray().subarray(0, 2).sort(), args: [d] });
    t.start();
    t.join();
    expect(d.toArray()).toEqual([1, 3.5, 2, 0.25]);
    const sorted = new Thread({ target: (arr: SharedArray) => void arr.typedArray().sort(), args: [d] });
    sorted.start();
    sorted.join();
    expect(Array.from(view)).toEqual([0.25, 1, 2, 3.5]);
    expect(new SharedArray('i', [1, -2]).typedArray()).toEqual(Int32Array.from([1, -2]));
    expect(new SharedArray('I', [1, 2]).typedArray()).toBeInstanceOf(Uint32Array);
    expect(new SharedArray('q', [5n]).typedArray()).toEqual(BigInt64Array.from([5n]));
    expect(new SharedArray('d', 0).typedArray().length).toBe(0);
  });
});

describe('shared(name, factory)', () => {
  it('runs the factory once and returns the same object afterwards', () => {
    let calls = 0;
    const a = shared('conformance.shared.once', () => { calls++; return new Value('i', 1); });
    const b = shared('conformance.shared.once', () => { calls++; return new Value('i', 2); });
    expect(a).toBe(b);
    expect(calls).toBe(1);
  });

  it('another thread gets the same object for the same name (its factory does not run)', () => {
    const lock = shared('conformance.shared.lock', () => new RLock());
    const ex = new ThreadPoolExecutor(1);
    expect(ex.submit(fx('sameNamed'), 'conformance.shared.lock', lock).result(10_000)).toBe(true);
    ex.shutdown();
  });

  it('threads that create it by name share one counter (exact count)', () => {
    const name = 'conformance.shared.counter';
    const threads = Array.from({ length: 4 }, () => new Thread({ target: fx('bumpNamedCounter'), args: [name, 500] }));
    for (const t of threads) t.start();
    for (const t of threads) t.join();
    expect(shared(name, () => new Value('i', 0)).value).toBe(2000);
  });

  it('the foot-gun: a module-level object without shared() is a different object in each thread', () => {
    const q = new Queue();
    const release = new Event();
    const threads = [0, 1].map(() => new Thread({ target: fx('putModuleLock'), args: [q, release] }));
    for (const t of threads) t.start();
    const first = q.get(true, 10_000) as Lock;
    const second = q.get(true, 10_000) as Lock;
    release.set();
    for (const t of threads) t.join();
    expect(first).toBeInstanceOf(Lock);
    expect(first).not.toBe(second);
  });

  it('a factory that asks for its own name throws RuntimeError', () => {
    const name = 'conformance.shared.recursive';
    const inner = (): unknown => shared(name, inner);
    expect(() => shared(name, inner)).toThrow(RuntimeError);
  });

  it('a factory that throws records nothing: the next call runs its own factory', () => {
    const name = 'conformance.shared.retry';
    expect(() => shared(name, () => { throw new Error('first fails'); })).toThrow('first fails');
    expect(shared(name, () => 'second').valueOf()).toBe('second');
  });

  it('a plain value stored by name is a copy (a snapshot) in each thread', () => {
    const name = 'conformance.shared.plain';
    const v = shared(name, () => ({ n: 1 }));
    expect(v).toEqual({ n: 1 });
    const ex = new ThreadPoolExecutor(1);
    expect(ex.submit(fx('sameNamed'), name, v).result(10_000)).toBe(false);
    expect(ex.submit(fx('namedValue'), name).result(10_000)).toEqual({ n: 1 });
    ex.shutdown();
  });

  it('a non-string name or a non-function factory is a TypeError', () => {
    expect(() => shared(1 as unknown as string, () => 1)).toThrow(TypeError);
    expect(() => shared('conformance.shared.bad', 1 as unknown as () => number)).toThrow(TypeError);
  });
});
