/**
 * Unit tests of the queues' memory: local queues take no shared heap, materializing moves their
 * items and counters, and a shared queue's blocks (queue, slot array, every item still queued,
 * and what the items name) are freed when its last reference goes. Over an in-memory fake
 * backend that counts live blocks; a "thread" is a fresh import of the api modules over the same
 * heap (see shared-data.test.ts). References are dropped explicitly (`dropReference`,
 * `freeValue`) instead of waiting for garbage collection.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeBackend } from './fake-backend';

const backend = fakeBackend();
const live = backend.live;

/** The api as a fresh thread sees it: new module instances over the same heap. */
async function thread() {
  vi.resetModules();
  const runtime = await import('../src/runtime');
  runtime.installBackend(backend);
  return {
    ...(await import('../src/queue/queue')),
    ...(await import('../src/queue/simple-queue')),
    ...(await import('../src/sync/lock')),
    ...(await import('../src/codec')),
    ...(await import('../src/handle')),
    errors: await import('../src/errors'),
  };
}

let a: Awaited<ReturnType<typeof thread>>;
let b: Awaited<ReturnType<typeof thread>>;

beforeAll(async () => {
  a = await thread();
  b = await thread();
});

type AnyQueue = InstanceType<typeof a.Queue> | InstanceType<typeof a.SimpleQueue>;

/** Sends `queue` from thread a to thread b: returns b's view; the stored value is freed. */
function send<T extends AnyQueue>(queue: T): T {
  const stored = a.storeValue(queue);
  const there = b.loadValue(stored) as T;
  a.freeValue(stored);
  return there;
}

/** Drops both threads' views' references, as their collection would. */
function drop(...views: object[]): void {
  for (const view of views) expect(a.dropReference(view as never) || b.dropReference(view as never)).toBe(true);
}

const kinds = ['Queue', 'LifoQueue', 'PriorityQueue', 'SimpleQueue'] as const;

function make(kind: (typeof kinds)[number]): AnyQueue {
  return kind === 'SimpleQueue' ? new a.SimpleQueue() : new a[kind]();
}

describe('queue memory', () => {
  it.each(kinds)('a local %s takes no shared heap through put, get, taskDone and shutdown', (kind) => {
    const before = live.size;
    const q = make(kind);
    for (let i = 0; i < 100; i++) q.put([i % 7, 'x'.repeat(i)]);
    expect(q.qsize()).toBe(100);
    for (let i = 0; i < 50; i++) q.getNowait();
    if (q instanceof a.Queue) {
      for (let i = 0; i < 50; i++) q.taskDone();
      q.shutdown(true);
      expect(q.unfinishedTasks).toBe(0);
      expect(() => q.getNowait()).toThrow(a.errors.ShutDown);
    }
    expect(String(q)).toMatch(/^<\w+ size=(50|0)( shutdown)?>$/);
    expect(live.size).toBe(before);
  });

  it.each(kinds)('a shared %s is freed with every item still in it once nothing names it', (kind) => {
    const before = live.size;
    const q = make(kind);
    const lock = new a.Lock();
    for (let i = 0; i < 40; i++) q.put([i, 'item', lock]);
    const lockBlock = lock[a.HANDLE].address;
    const there = send(q);
    // The queue block, its slot array, 40 items and the lock.
    expect(live.size).toBe(before + 43);
    const got = there.getNowait() as [number, string, object];
    expect(got).toEqual([kind === 'LifoQueue' ? 39 : 0, 'item', expect.any(b.Lock)]);
    expect(q.qsize()).toBe(39);
    expect(live.size).toBe(before + 42);
    drop(lock, q, got[2]);
    expect(live.has(lockBlock)).toBe(true);
    drop(there);
    expect(live.size).toBe(before);
  });

  it('a shared queue that grew and shrank frees its current slot array', () => {
    const before = live.size;
    const q = new a.Queue();
    const there = send(q);
    for (let i = 0; i < 1000; i++) there.put(i);
    for (let i = 0; i < 990; i++) expect(q.getNowait()).toBe(i);
    drop(q, there);
    expect(live.size).toBe(before);
  });

  it('materializing moves the items in order and the counters', () => {
    const fifo = new a.Queue(10);
    const lifo = new a.LifoQueue();
    const prio = new a.PriorityQueue();
    for (const x of [5, 1, 4, 1, 3]) {
      fifo.put(x);
      lifo.put(x);
      prio.put([x, `p${x}`]);
    }
    fifo.getNowait();
    fifo.taskDone();
    lifo.shutdown();
    const [f, l, p] = [send(fifo), send(lifo), send(prio)];
    expect([f.unfinishedTasks, f.maxsize, f.isShutdown]).toEqual([4, 10, false]);
    expect([l.unfinishedTasks, l.isShutdown]).toEqual([5, true]);
    expect(Array.from({ length: 4 }, () => f.getNowait())).toEqual([1, 4, 1, 3]);
    expect(Array.from({ length: 5 }, () => l.getNowait())).toEqual([3, 1, 4, 1, 5]);
    expect(() => l.getNowait()).toThrow(b.errors.ShutDown);
    expect(Array.from({ length: 5 }, () => p.getNowait())).toEqual([[1, 'p1'], [1, 'p1'], [3, 'p3'], [4, 'p4'], [5, 'p5']]);
    drop(fifo, lifo, prio, f, l, p);
  });

  it('an item naming its own local queue shares the queue and lands in it', () => {
    const before = live.size;
    const q = new a.Queue();
    q.put('first');
    q.put({ reply: q });
    expect(q.qsize()).toBe(2);
    expect(q.getNowait()).toBe('first');
    expect((q.getNowait() as { reply: unknown }).reply).toBe(q);
    drop(q);
    expect(live.size).toBe(before);
  });

  it('a local queue stays local and usable when the heap has no room for it', () => {
    const before = live.size;
    const q = new a.PriorityQueue();
    for (let i = 0; i < 20; i++) q.put([20 - i, 'y'.repeat(100)]);
    backend.budget = [...live.values()].reduce((x, y) => x + y, 0) + 1000;
    try {
      expect(() => a.storeValue(q)).toThrow(RangeError);
    } finally {
      backend.budget = Infinity;
    }
    expect(live.size).toBe(before);
    expect(q.getNowait()).toEqual([1, 'y'.repeat(100)]);
    const there = send(q);
    expect(there.getNowait()).toEqual([2, 'y'.repeat(100)]);
    drop(q, there);
    expect(live.size).toBe(before);
  });

  it('a put that fails (uncloneable item, incomparable priority) keeps no reference', () => {
    const before = live.size;
    const q = new a.PriorityQueue();
    const lock = new a.Lock();
    q.put([1, { a: 1 }, lock]);
    expect(() => q.put([1, { b: 2 }, lock])).toThrow("'<' not supported");
    expect(() => q.put([2, () => 0])).toThrow(TypeError);
    q.getNowait();
    drop(lock);
    expect(live.size).toBe(before);
  });
});

describe('held values (the items of a local queue)', () => {
  const values: unknown[] = [
    0,
    'é€😀',
    new Uint8Array(Array.from({ length: 40 }, (_, i) => 255 - i * 6)),
    new Uint8Array(Array.from({ length: 256 }, (_, i) => i)),
    { big: 'x'.repeat(5000), n: [1, 2n, null] },
  ];

  it.each(values)('hold %#: read back equal, and stored as the same bytes encode gives', (value) => {
    const held = a.holdValue(value);
    expect(a.readHeld(held)).toEqual(value);
    const address = a.storeHeld(held);
    const bytes = a.encode(value);
    const heap = backend.heap;
    expect(heap.u32[address >> 2]).toBe(bytes.length);
    expect(heap.u8.slice(address + 8, address + 8 + bytes.length)).toEqual(bytes);
    expect(a.loadValue(address)).toEqual(value);
    a.freeValue(address);
  });

  it('a held value holds a reference on a Lock it names until dropped, and hands it to the stored block', () => {
    const before = live.size;
    const lock = new a.Lock();
    const held = a.holdValue([lock]);
    const address = lock[a.HANDLE].address;
    const refs = () => backend.heap.i32[(address + 4) >> 2];
    expect(refs()).toBe(2);
    const kept = a.holdValue({ lock });
    expect((a.readHeld(held) as unknown[])[0]).toBe(lock);
    expect(refs()).toBe(3);
    a.dropHeld(held);
    const stored = a.storeHeld(kept);
    expect(refs()).toBe(2);
    drop(lock);
    expect(live.has(address)).toBe(true);
    a.freeValue(stored);
    expect(live.size).toBe(before);
  });
});

describe('immediate values (no heap block)', () => {
  const immediates = [0, 1, -1, 42, 2 ** 30 - 1, -(2 ** 30), true, false, null, undefined];
  const boxed = [-0, 2 ** 30, -(2 ** 30) - 1, 0.5, NaN, Infinity, 2 ** 31, 'a', 1n, [1]];

  it.each(immediates)('%s is stored as a word of its own: no block, read back by any thread, free is a no-op', (value) => {
    const before = live.size;
    const stored = a.storeValue(value);
    expect(stored & 3).not.toBe(0);
    expect(live.size).toBe(before);
    expect(Object.is(b.loadValue(stored), value)).toBe(true);
    // As a slot of a Uint32Array or an Int32Array holds it.
    expect(Object.is(b.loadValue(new Uint32Array([stored])[0]!), value)).toBe(true);
    expect(Object.is(b.loadValue(new Int32Array([stored])[0]!), value)).toBe(true);
    b.freeValue(stored);
    expect(live.size).toBe(before);
  });

  it.each(boxed)('%s needs a block, and comes back exactly', (value) => {
    const before = live.size;
    const stored = a.storeValue(value);
    expect(stored & 7).toBe(0);
    expect(live.size).toBe(before + 1);
    expect(b.loadValue(stored)).toEqual(value);
    if (typeof value === 'number') expect(Object.is(b.loadValue(stored), value)).toBe(true);
    b.freeValue(stored);
    expect(live.size).toBe(before);
  });

  it('a shared queue of small ints allocates nothing per item', () => {
    const q = send(new a.Queue());
    const before = live.size;
    for (let i = -3; i < 5; i++) q.put(i);
    expect(live.size).toBe(before);
    expect(Array.from({ length: 8 }, () => q.get())).toEqual([-3, -2, -1, 0, 1, 2, 3, 4]);
    drop(q);
  });
});
