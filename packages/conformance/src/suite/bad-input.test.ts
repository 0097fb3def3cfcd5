import { describe, expect, it } from 'vitest';
import * as parity from '#backend';
import {
  activeCount,
  Barrier,
  BoundedSemaphore,
  Condition,
  currentThread,
  Event,
  Future,
  InvalidStateError,
  Lock,
  Queue,
  RLock,
  RuntimeError,
  Semaphore,
  Thread,
  ThreadPoolExecutor,
  Timer,
  TIMEOUT_MAX,
} from '#backend';
import { fx } from './support';

/** The error thrown by `fn` (fails the test when nothing is thrown). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('bad input: thread targets and arguments', () => {
  it('a non-function target is a TypeError', () => {
    expect(() => new Thread({ target: 5 as never })).toThrow(TypeError);
    expect(() => new Thread({ target: 'run' as never })).toThrow(/function/);
  });

  it('submit of a non-function is a TypeError', () => {
    const ex = new ThreadPoolExecutor(1);
    expect(() => ex.submit(42 as never)).toThrow(TypeError);
    ex.shutdown();
  });

  it('a Timer with a non-function is a TypeError', () => {
    expect(() => new Timer(1, null as never)).toThrow(TypeError);
  });

  it('a closure target fails at start() with a TypeError naming the captured variable', () => {
    const secret = 41;
    const t = new Thread({ target: () => secret + 1 });
    const e = thrown(() => t.start());
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toContain("'secret'");
  });

  it('the same check runs in a thread that starts a thread', () => {
    const q = new Queue();
    const t = new Thread({ target: fx('startClosureThread'), args: [q] });
    t.start();
    t.join();
    const message = q.get(true, 10_000) as string;
    expect(message).toMatch(/^TypeError: /);
    expect(message).toContain("'inner'");
  });

  it('a failed start leaves the thread unstarted and nothing counted as alive', () => {
    const before = activeCount();
    const captured = { x: 1 };
    const t = new Thread({ target: () => captured.x });
    expect(() => t.start()).toThrow(TypeError);
    expect(t.isAlive()).toBe(false);
    expect(t.ident).toBeUndefined();
    expect(activeCount()).toBe(before);
  });

  it('a closure task fails at submit() with a TypeError naming it; the executor stays usable', () => {
    const factor = 3;
    const ex = new ThreadPoolExecutor(1);
    const e = thrown(() => ex.submit((x: number) => x * factor, 2));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toContain("'factor'");
    expect(ex.submit((x: number) => x * 3, 2).result(10_000)).toBe(6);
    ex.shutdown();
  });

  it('an uncloneable argument fails at start() with a TypeError naming where it is', () => {
    const t = new Thread({ target: (_n: unknown, o: unknown) => o, args: [1, { cb: () => 0 }] });
    const e = thrown(() => t.start());
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toMatch(/args\[1\]\.cb/);
    expect(t.isAlive()).toBe(false);
  });

  it('an uncloneable argument fails at submit() with a TypeError', () => {
    const ex = new ThreadPoolExecutor(1);
    expect(() => ex.submit((o: unknown) => o, new WeakMap())).toThrow(TypeError);
    expect(() => ex.submit((o: unknown) => o, Symbol('x'))).toThrow(TypeError);
    ex.shutdown();
  });

  it('args that is not an array is a TypeError', () => {
    expect(() => new Thread({ target: () => 0, args: 5 as never })).toThrow(TypeError);
  });
});

describe('bad input: timeouts', () => {
  it('Lock.acquire: negative timeout (other than -1) is RangeError("timeout value must be a non-negative number")', () => {
    const lock = new Lock();
    expect(() => lock.acquire(true, -2)).toThrow(RangeError);
    expect(() => lock.acquire(true, -0.5)).toThrow('timeout value must be a non-negative number');
    expect(lock.locked()).toBe(false);
  });

  it('Lock.acquire: NaN is RangeError("Invalid value NaN (not a number)")', () => {
    const lock = new Lock();
    expect(() => lock.acquire(true, NaN)).toThrow('Invalid value NaN (not a number)');
    expect(lock.locked()).toBe(false);
  });

  it('Lock.acquire: a timeout above TIMEOUT_MAX is a RangeError', () => {
    const lock = new Lock();
    expect(() => lock.acquire(true, TIMEOUT_MAX * 2)).toThrow(RangeError);
    expect(lock.locked()).toBe(false);
  });

  it('RLock.acquire rejects bad timeouts the same way', () => {
    const r = new RLock();
    expect(() => r.acquire(true, -2)).toThrow('timeout value must be a non-negative number');
    expect(() => r.acquire(true, NaN)).toThrow(RangeError);
    expect(String(r)).toBe('<RLock unlocked owner=0 count=0>');
  });

  it('a non-number timeout is a TypeError', () => {
    expect(() => new Lock().acquire(true, '5' as never)).toThrow(TypeError);
    expect(() => new Event().wait('5' as never)).toThrow(TypeError);
  });

  it('Queue.get / put: a negative timeout is RangeError("\'timeout\' must be a non-negative number")', () => {
    const q = new Queue(1);
    expect(() => q.get(true, -1)).toThrow("'timeout' must be a non-negative number");
    q.put(1);
    expect(() => q.put(2, true, -1)).toThrow(RangeError);
    expect(q.qsize()).toBe(1);
  });

  it('NaN timeouts are RangeErrors everywhere', () => {
    expect(() => new Queue().get(true, NaN)).toThrow(RangeError);
    expect(() => new Event().wait(NaN)).toThrow(RangeError);
    expect(() => new Semaphore(0).acquire(true, NaN)).toThrow(RangeError);
    expect(() => new Future().result(NaN)).toThrow(RangeError);
    const c = new Condition();
    c.acquire();
    expect(() => c.wait(NaN)).toThrow(RangeError);
    c.release();
  });

  it('too-large timeouts are RangeErrors for waits', () => {
    expect(() => new Event().wait(TIMEOUT_MAX * 2)).toThrow(RangeError);
    expect(() => new Queue().get(true, TIMEOUT_MAX * 2)).toThrow(RangeError);
  });

  it('TIMEOUT_MAX is Python’s, in milliseconds', () => {
    expect(TIMEOUT_MAX).toBe(9223372036 * 1000);
  });
});

describe('bad input: blocking=false with a timeout', () => {
  it('Lock.acquire(false, t) is RangeError("can\'t specify a timeout for a non-blocking call")', () => {
    const lock = new Lock();
    expect(() => lock.acquire(false, 1)).toThrow("can't specify a timeout for a non-blocking call");
    expect(lock.locked()).toBe(false);
  });

  it('RLock.acquire(false, t) is a RangeError', () => {
    expect(() => new RLock().acquire(false, 1)).toThrow(RangeError);
  });

  it('Semaphore.acquire(false, t) is RangeError("can\'t specify timeout for non-blocking acquire")', () => {
    const s = new Semaphore(1);
    expect(() => s.acquire(false, 1)).toThrow("can't specify timeout for non-blocking acquire");
    expect(String(s)).toBe('<Semaphore value=1>');
  });
});

describe('bad input: releasing what is not held', () => {
  it('Lock.release() unheld: RuntimeError("release unlocked lock")', () => {
    const e = thrown(() => new Lock().release());
    expect(e).toBeInstanceOf(RuntimeError);
    expect(e.message).toBe('release unlocked lock');
  });

  it('RLock.release() by a non-owner: RuntimeError("cannot release un-acquired lock"), still held by its owner', () => {
    const r = new RLock();
    r.acquire();
    const q = new Queue();
    const t = new Thread({ target: (lock: RLock, out: Queue) => { try { lock.release(); out.put('no error'); } catch (e) { out.put((e as Error).message); } }, args: [r, q] });
    t.start();
    t.join();
    expect(q.get(true, 10_000)).toBe('cannot release un-acquired lock');
    expect(String(r)).toContain('count=1');
    r.release();
  });

  it('Condition wait/notify without the lock: RuntimeError', () => {
    const c = new Condition(new Lock());
    expect(() => c.wait(0)).toThrow('cannot wait on un-acquired lock');
    expect(() => c.notify()).toThrow('cannot notify on un-acquired lock');
  });
});

describe('bad input: semaphores and barriers', () => {
  it('Semaphore(-1): RangeError("semaphore initial value must be >= 0")', () => {
    expect(() => new Semaphore(-1)).toThrow(RangeError);
    expect(() => new Semaphore(-1)).toThrow('semaphore initial value must be >= 0');
    expect(() => new BoundedSemaphore(-1)).toThrow('semaphore initial value must be >= 0');
  });

  it('BoundedSemaphore over-release: RangeError("Semaphore released too many times")', () => {
    const b = new BoundedSemaphore(2);
    expect(() => b.release()).toThrow('Semaphore released too many times');
    expect(String(b)).toBe('<BoundedSemaphore value=2/2>');
  });

  it('Semaphore.release(0): RangeError("n must be one or more")', () => {
    expect(() => new Semaphore(0).release(0)).toThrow('n must be one or more');
  });

  it('Barrier(0) and Barrier(-1): RangeError("parties must be > 0")', () => {
    expect(() => new Barrier(0)).toThrow(RangeError);
    expect(() => new Barrier(0)).toThrow('parties must be > 0');
    expect(() => new Barrier(-1)).toThrow('parties must be > 0');
  });
});

describe('bad input: thread lifecycle', () => {
  it('starting a thread twice: RuntimeError("threads can only be started once")', () => {
    const t = new Thread({ target: () => undefined });
    t.start();
    const e = thrown(() => t.start());
    expect(e).toBeInstanceOf(RuntimeError);
    expect(e.message).toBe('threads can only be started once');
    t.join();
    expect(() => t.start()).toThrow('threads can only be started once');
  });

  it('joining the current thread: RuntimeError("cannot join current thread")', () => {
    expect(() => currentThread().join()).toThrow(RuntimeError);
    expect(() => currentThread().join(10)).toThrow('cannot join current thread');
  });

  it('a thread joining itself gets RuntimeError("cannot join current thread")', () => {
    const q = new Queue();
    const t = new Thread({ target: fx('joinSelf'), args: [q] });
    t.start();
    t.join();
    expect(q.get(true, 10_000)).toEqual(['RuntimeError', 'cannot join current thread']);
  });

  it('joining an unstarted thread: RuntimeError("cannot join thread before it is started")', () => {
    const t = new Thread({ target: () => undefined });
    expect(() => t.join()).toThrow(RuntimeError);
    expect(() => t.join(5)).toThrow('cannot join thread before it is started');
  });

  it('joinAsync of an unstarted thread rejects with the same error', async () => {
    await expect(new Thread().joinAsync()).rejects.toThrow('cannot join thread before it is started');
  });

  it('setting daemon on a running thread: RuntimeError("cannot set daemon status of active thread")', () => {
    const release = new Event();
    const t = new Thread({ target: (r: Event) => { r.wait(); }, args: [release] });
    t.start();
    const e = thrown(() => { t.daemon = true; });
    expect(e).toBeInstanceOf(RuntimeError);
    expect(e.message).toBe('cannot set daemon status of active thread');
    expect(t.daemon).toBe(false);
    release.set();
    t.join();
  });
});

describe('bad input: queues and futures', () => {
  it('taskDone() too many times: RangeError("task_done() called too many times")', () => {
    const q = new Queue();
    q.put(1);
    q.get(true, 10_000);
    q.taskDone();
    const e = thrown(() => q.taskDone());
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toBe('task_done() called too many times');
    expect(q.unfinishedTasks).toBe(0);
  });

  it('putting an uncloneable item loses nothing and leaves the queue usable', () => {
    const q = new Queue(2);
    q.put('kept');
    expect(() => q.put({ f: () => 1 })).toThrow(TypeError);
    expect(q.qsize()).toBe(1);
    q.put('next');
    expect([q.get(true, 10_000), q.get(true, 10_000)]).toEqual(['kept', 'next']);
  });

  it('submit after shutdown: RuntimeError("cannot schedule new futures after shutdown")', () => {
    const ex = new ThreadPoolExecutor(1);
    ex.shutdown();
    const e = thrown(() => ex.submit(() => 1));
    expect(e).toBeInstanceOf(RuntimeError);
    expect(e.message).toBe('cannot schedule new futures after shutdown');
  });

  it('maxWorkers <= 0: RangeError("max_workers must be greater than 0")', () => {
    expect(() => new ThreadPoolExecutor(0)).toThrow(RangeError);
    expect(() => new ThreadPoolExecutor(-1)).toThrow('max_workers must be greater than 0');
    expect(() => new ThreadPoolExecutor({ maxWorkers: 0 })).toThrow('max_workers must be greater than 0');
  });

  it('setResult on a finished future: InvalidStateError, the result unchanged', () => {
    const f = new Future();
    f.setResult('first');
    const e = thrown(() => f.setResult('second'));
    expect(e).toBeInstanceOf(InvalidStateError);
    expect(e.message).toMatch(/^FINISHED: /);
    expect(f.result()).toBe('first');
  });

  it('setException on a cancelled future: InvalidStateError', () => {
    const f = new Future();
    f.cancel();
    const e = thrown(() => f.setException(new Error('late')));
    expect(e).toBeInstanceOf(InvalidStateError);
    expect(e.message).toMatch(/^CANCELLED: /);
  });

  it('sleep with a negative length is a RangeError', async () => {
    const { sleep } = await import('#backend');
    expect(() => sleep(-1)).toThrow('sleep length must be non-negative');
  });
});

describe('bad input: primitives that take no arguments', () => {
  it('Lock, Event, SimpleQueue and Future raise TypeError with Python\'s wording; RLock warns, as Python 3.13', () => {
    const make = (C: unknown, ...args: unknown[]): unknown => new (C as new (...a: unknown[]) => unknown)(...args);
    expect(() => make(parity.Lock, 1)).toThrow(new TypeError('lock expected 0 arguments, got 1'));
    expect(() => make(parity.Lock, { a: 1 })).toThrow(TypeError);
    expect(() => make(parity.Event, 1)).toThrow(new TypeError('Event.__init__() takes 1 positional argument but 2 were given'));
    expect(() => make(parity.SimpleQueue, 1)).toThrow(new TypeError('SimpleQueue() takes no positional arguments'));
    expect(() => make(parity.Future, 1)).toThrow(new TypeError('Future.__init__() takes 1 positional argument but 2 were given'));
    expect(make(parity.RLock, 1)).toBeInstanceOf(parity.RLock);
  });
});
