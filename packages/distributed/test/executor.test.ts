// The distributed executor against a real redis-server and two threadkit-worker processes:
// futures, map, wait/asCompleted, shutdown, the codec, named tasks, remote errors, retries,
// cancellation (queued and running), timeouts and stats. Handshakes go through Redis lists
// (the `gate` task pushes when it starts and waits for a token), never through sleeps.
import { ALL_COMPLETED, CancelledError, FIRST_COMPLETED, Lock, Queue, RuntimeError, TimeoutError as TimeoutErrorClass, asCompleted, task, waitAsync } from '@threadkit/backend-workers';
import { DistributedExecutor } from '@threadkit/distributed';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_REDIS, SKIP_REASON, freePort, startRedis, startWorker, stopAll } from './harness';

const add = task('./tasks.mjs', 'add');
const echo = task('./tasks.mjs', 'echo');
const fail = task('./tasks.mjs', 'fail');
const gate = task('./tasks.mjs', 'gate');
const flaky = task('./tasks.mjs', 'flaky');

describe.skipIf(!HAVE_REDIS)(`DistributedExecutor${SKIP_REASON}`, () => {
  let url = '';
  let redis: Redis;
  const QUEUE = 'semantics';

  beforeAll(async () => {
    const port = await freePort();
    await startRedis(port);
    url = `redis://127.0.0.1:${port}`;
    redis = new Redis(url);
    await Promise.all([startWorker(url, QUEUE, ['--threads', '2']), startWorker(url, QUEUE, ['--threads', '2'])]);
  });

  afterAll(async () => {
    redis?.disconnect();
    await stopAll();
  });

  /** Waits (BLPOP, no sleep) until `n` gate tasks under `key` started; returns their tags. */
  async function started(key: string, n: number): Promise<string[]> {
    const blocker = redis.duplicate();
    try {
      const tags: string[] = [];
      while (tags.length < n) tags.push((await blocker.blpop(`${key}:started`, 20))![1]);
      return tags;
    } finally {
      blocker.disconnect();
    }
  }

  /**
   * Waits until the client has seen `futures` start (a worker's start reaches the client as an
   * event, after the task itself may have signalled): polls the futures' shared state.
   */
  async function untilRunning(futures: { running(): boolean }[]): Promise<void> {
    const deadline = performance.now() + 20_000;
    while (!futures.every((f) => f.running())) {
      if (performance.now() > deadline) throw new Error('futures did not start within 20 s');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Waits until `n` jobs wait in the queue's prioritized set (polls Redis). */
  async function untilInRedis(n: number): Promise<void> {
    const deadline = performance.now() + 20_000;
    while ((await redis.zcard(`bull:${QUEUE}:prioritized`)) < n) {
      if (performance.now() > deadline) throw new Error(`${n} jobs did not reach Redis within 20 s`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Waits (XREAD BLOCK) for the first `event` of the queue's event stream after id `after`. */
  async function nextEvent(stream: string, after: string, event: string): Promise<string> {
    const blocker = redis.duplicate();
    try {
      for (let id = after; ; ) {
        const answer = (await blocker.xread('BLOCK', 20_000, 'STREAMS', stream, id)) as [string, [string, string[]][]][] | null;
        if (answer === null) throw new Error(`no '${event}' event within 20 s`);
        for (const [entryId, fields] of answer[0]![1]) {
          id = entryId;
          if (fields[1] === event) return entryId;
        }
      }
    } finally {
      blocker.disconnect();
    }
  }

  it('submit, await, result() (sync, blocking the main thread) and map in order', async () => {
    await using ex = new DistributedExecutor({ connection: url, queue: QUEUE });
    expect(await ex.submit(add, 2, 3)).toBe(5);
    expect(ex.submit(add, 'a', 'b').result(20_000)).toBe('ab');
    expect([...ex.map(add, [1, 2, 3, 4], [10, 20, 30, 40])]).toEqual([11, 22, 33, 44]);
    const results: number[] = [];
    for await (const r of ex.mapAsync(add, [5, 6], [1, 1])) results.push(r as number);
    expect(results).toEqual([6, 7]);
  });

  it('wait, asCompleted and addDoneCallback work on its futures as on local ones', async () => {
    await using ex = new DistributedExecutor({ connection: url, queue: QUEUE });
    const key = `k:${Math.random()}`;
    const slow = ex.submit(gate, url, key, 'slow');
    const fast = ex.submit(add, 1, 1);
    const first = await waitAsync([slow, fast], { returnWhen: FIRST_COMPLETED, timeout: 20_000 });
    expect(first.done.has(fast)).toBe(true);
    expect(first.notDone.has(slow)).toBe(true);
    let calls = 0;
    const called = new Promise<void>((resolve) => slow.addDoneCallback(() => (calls++, resolve())));
    await started(key, 1);
    await redis.rpush(`${key}:go`, 'x');
    const all = await waitAsync([slow, fast], { returnWhen: ALL_COMPLETED, timeout: 20_000 });
    expect(all.notDone.size).toBe(0);
    expect(slow.result()).toBe('slow');
    await called;
    expect(calls).toBe(1);
    const futures = [1, 2, 3].map((n) => ex.submit(add, n, n));
    const seen = [];
    for (const f of asCompleted(futures, 20_000)) seen.push(f.result());
    expect(seen.sort()).toEqual([2, 4, 6]);
  });

  it('the wire codec round-trips what the local codec copies', async () => {
    await using ex = new DistributedExecutor({ connection: url, queue: QUEUE });
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const error = new RangeError('bad', { cause: new TypeError('inner') });
    const value = {
      nums: [1, -0, NaN, Infinity, -Infinity, 2.5],
      big: 12345678901234567890123n,
      nothing: undefined,
      date: new Date(1_700_000_000_000),
      map: new Map<unknown, unknown>([['a', 1], [2, new Set([3, 'x'])]]),
      bytes: new Uint8Array([1, 2, 255]),
      floats: new Float64Array([0.5, -1]),
      buffer: new Uint16Array([7, 8]).buffer,
      re: /a+b/gi,
      sparse: [1, , 3],
      nested: { deep: [{ x: [null, true] }] },
      error,
      cyclic,
    };
    const back = (await ex.submit(echo, value)) as typeof value;
    expect(back.nums).toEqual(value.nums);
    expect(Object.is(back.nums[1], -0)).toBe(true);
    expect(back.big).toBe(value.big);
    expect('nothing' in back && back.nothing === undefined).toBe(true);
    expect(back.date).toEqual(value.date);
    expect(back.map).toEqual(value.map);
    expect(back.bytes).toEqual(value.bytes);
    expect(back.floats).toEqual(value.floats);
    expect(new Uint16Array(back.buffer)).toEqual(new Uint16Array([7, 8]));
    expect(back.re.source).toBe('a+b');
    expect(back.re.flags).toBe('gi');
    expect(1 in back.sparse).toBe(false);
    expect(back.nested).toEqual(value.nested);
    expect(back.error).toBeInstanceOf(RangeError);
    expect(back.error.message).toBe('bad');
    expect(back.error.cause).toBeInstanceOf(TypeError);
    expect(back.cyclic.self).toBe(back.cyclic);
  });

  it('named tasks only; a shared handle or an uncopyable argument fails at submit with a TypeError naming it', async () => {
    await using ex = new DistributedExecutor({ connection: url, queue: QUEUE });
    expect(() => ex.submit((a: number) => a + 1, 1)).toThrow(/named module exports only.*function/);
    expect(() => ex.submit(task(import.meta.url, 'x'))).toThrow(TypeError);
    expect(() => ex.submit(add, 1, new Lock())).toThrow(/cannot send args\[1\] to a remote worker: a Lock/);
    expect(() => ex.submit(echo, { q: new Queue() })).toThrow(/cannot send args\[0\]\.q to a remote worker: a Queue/);
    expect(() => ex.submit(echo, [() => 1])).toThrow(/cannot send args\[0\]\[0\] to a remote worker: function/);
    expect(() => ex.submit(echo, Promise.resolve(1))).toThrow(TypeError);
    expect(ex.stats().submitted).toBe(0);
    // Refused on the worker: a module outside its task root, a missing export.
    await expect(ex.submit(task('../../package.json', 'x'))).rejects.toThrow(/outside the worker's task root/);
    await expect(ex.submit(task('child_process', 'execSync'), 'true')).rejects.toThrow(/not one of this worker's task packages/);
    await expect(ex.submit(task('./tasks.mjs', 'missing'))).rejects.toThrow(/missing/);
  });

  it('remote errors arrive as the registered class, with the remote stack and where it ran', async () => {
    await using ex = new DistributedExecutor({ connection: url, queue: QUEUE });
    const error = (await ex.submit(fail, 'TypeError', 'nope').exceptionAsync()) as Error;
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('nope');
    expect(error.stack).toMatch(/at fail \(.*tasks\.mjs/);
    expect(error.stack).toMatch(/<remote> task fail from \.\/tasks\.mjs on machine \S+, threadkit-worker pid \d+, job \S+, attempt 1 of 1/);
    const custom = (await ex.submit(fail, 'custom', 'mine').exceptionAsync()) as Error & { code: number };
    expect(custom.constructor).toBe(Error);
    expect(custom.name).toBe('CustomError');
    expect(custom.code).toBe(42);
  });

  it('retries a failing task up to `attempts` times, with backoff', async () => {
    await using ex = new DistributedExecutor({ connection: url, queue: QUEUE, attempts: 3, backoff: 10 });
    const key = `flaky:${Math.random()}`;
    expect(await ex.submit(flaky, url, key, 3)).toBe(3);
    await using once = new DistributedExecutor({ connection: url, queue: QUEUE, attempts: 2 });
    const key2 = `flaky:${Math.random()}`;
    const error = (await once.submit(flaky, url, key2, 5).exceptionAsync()) as Error;
    expect(error.message).toBe('attempt 2 fails');
    expect(error.stack).toMatch(/attempt 2 of 2/);
    expect(await redis.get(key2)).toBe('2');
  });

  it('cancelling a queued job removes it; a signal reaches a running task through taskSignal()', async () => {
    await using ex = new DistributedExecutor({ connection: url, queue: QUEUE, maxInFlight: 100 });
    const key = `c:${Math.random()}`;
    // Four gates occupy the four worker threads.
    const blockers = [0, 1, 2, 3].map((i) => ex.submit(gate, url, key, `b${i}`));
    await started(key, 4);
    const events = `bull:${QUEUE}:events`;
    const [[lastEvent] = ['0-0']] = await redis.xrevrange(events, '+', '-', 'COUNT', 1);
    const queued = ex.submit(gate, url, key, 'queued');
    const added = await nextEvent(events, lastEvent!, 'added');
    expect(queued.cancel()).toBe(true);
    await nextEvent(events, added, 'removed');
    const controller = new AbortController();
    const watched = ex.submitWith({ signal: controller.signal, priority: -1 }, gate, url, `${key}:w`, 'w', true);
    // The fifth thread does not exist: free one blocker so the watched task starts.
    await redis.rpush(`${key}:go`, 'x');
    await started(`${key}:w`, 1);
    await untilRunning([watched]);
    controller.abort();
    const error = (await watched.exceptionAsync(20_000)) as Error;
    expect(error.name).toBe('AbortError');
    expect(await redis.lrange(`${key}:w:aborted`, 0, -1)).toEqual(['AbortError']);
    await redis.rpush(`${key}:go`, 'x', 'x', 'x');
    await waitAsync(blockers, { timeout: 20_000 });
    expect(queued.cancelled()).toBe(true);
    await expect(queued.resultAsync()).rejects.toBeInstanceOf(CancelledError);
    expect(await redis.get(`${key}:starts`)).toBe('4');
    await ex.shutdownAsync();
    const stats = ex.stats();
    expect(stats).toMatchObject({ submitted: 6, completed: 4, failed: 1, cancelled: 1, queued: 0, running: 0 });
  });

  it('stats() times each job: waitTime from submit to start, runTime from start to outcome', async () => {
    await using ex = new DistributedExecutor({ connection: url, queue: QUEUE });
    const key = `h:${Math.random()}`;
    const held = ex.submit(gate, url, key, 'held');
    await untilRunning([held]);
    // Held running for at least 100 ms (measured, not a handshake): its run time is at least that.
    const heldFrom = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const heldMs = performance.now() - heldFrom;
    await redis.rpush(`${key}:go`, 'x');
    expect(await held).toBe('held');
    const sums = await Promise.all(Array.from({ length: 10 }, (_, i) => ex.submit(add, i, 1)));
    expect(sums).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    const { waitTime, runTime } = ex.stats();
    expect(waitTime.count).toBe(11);
    expect(runTime.count).toBe(11);
    expect(runTime.max).toBeGreaterThanOrEqual(heldMs - 1);
    for (const h of [waitTime, runTime]) {
      expect(h.mean).toBeGreaterThan(0);
      expect(h.p50).toBeLessThanOrEqual(h.p90);
      expect(h.p90).toBeLessThanOrEqual(h.p99);
      expect(h.p99).toBeLessThanOrEqual(h.max);
    }
  });

  it("stats() samples the queue's workers: threads (each worker's --threads) and idle ones", async () => {
    await using ex = new DistributedExecutor({ connection: url, queue: QUEUE, pollInterval: 20 });
    const key = `w:${Math.random()}`;
    const held = ex.submit(gate, url, key, 'held');
    try {
      await untilRunning([held]);
      // Two workers of 2 threads each; one job runs. Sampled every 20 ms: wait for a sample taken now.
      const deadline = performance.now() + 20_000;
      while (ex.stats().idleThreads !== 3) {
        if (performance.now() > deadline) throw new Error(`idleThreads stayed ${ex.stats().idleThreads}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(ex.stats().threads).toBe(4);
    } finally {
      await redis.rpush(`${key}:go`, 'x'); // the other tests need that thread back, whatever happened
    }
    expect(await held).toBe('held');
  });

  it('map with a timeout: TimeoutError from the iterator, the calls not yet yielded cancelled', async () => {
    await using ex = new DistributedExecutor({ connection: url, queue: QUEUE, maxInFlight: 2 });
    const key = `mt:${Math.random()}`;
    const results = ex.map(gate, [url, url, url, url, url], [key, key, key, key, key], ['a', 'b', 'c', 'd', 'e'], { timeout: 1000 });
    expect(() => results.next()).toThrow(TimeoutErrorClass);
    await started(key, 2); // the two in flight ran; the three held back were cancelled, never sent
    await redis.rpush(`${key}:go`, 'x', 'x');
    await ex.shutdownAsync();
    // The two that ran are done or (had the client not yet heard they started) cancelled.
    const { submitted, cancelled, completed } = ex.stats();
    expect(submitted).toBe(5);
    expect(cancelled).toBeGreaterThanOrEqual(3);
    expect(cancelled + completed).toBe(5);
    expect(await redis.get(`${key}:starts`)).toBe('2');
  });

  it('priority orders waiting jobs (lower first), equal priorities in submission order', async () => {
    await using ex = new DistributedExecutor({ connection: url, queue: QUEUE });
    const key = `p:${Math.random()}`;
    const blockers = [0, 1, 2, 3].map((i) => ex.submit(gate, url, key, `b${i}`));
    await started(key, 4);
    const order = [
      ex.submitWith({ priority: 5 }, gate, url, `${key}:p`, 'five'),
      ex.submitWith({ priority: -3 }, gate, url, `${key}:p`, 'minus-three'),
      ex.submit(gate, url, `${key}:p`, 'zero-a'),
      ex.submitWith({ priority: 0 }, gate, url, `${key}:p`, 'zero-b'),
    ];
    await untilInRedis(4);
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      await redis.rpush(`${key}:go`, 'x'); // frees one thread, which takes the first waiting job
      seen.push(...(await started(`${key}:p`, 1)));
    }
    expect(seen).toEqual(['minus-three', 'zero-a', 'zero-b', 'five']);
    await redis.rpush(`${key}:p:go`, 'x', 'x', 'x', 'x');
    await waitAsync([...blockers, ...order], { timeout: 20_000 });
    expect(() => ex.submitWith({ priority: 2 ** 21 }, add, 1, 2)).toThrow(RangeError);
    expect(() => ex.submitWith({ priority: 0.5 }, add, 1, 2)).toThrow(TypeError);
  });

  it('a timeout aborts the running task with a TimeoutError', async () => {
    await using ex = new DistributedExecutor({ connection: url, queue: QUEUE });
    const key = `t:${Math.random()}`;
    const error = (await ex.submitWith({ timeout: 50 }, gate, url, key, 't', true).exceptionAsync(20_000)) as Error;
    expect(error.name).toBe('TimeoutError');
    expect(await redis.lrange(`${key}:aborted`, 0, -1)).toEqual(['TimeoutError']);
    await ex.shutdownAsync();
    expect(ex.stats()).toMatchObject({ failed: 1, timedOut: 1 });
  });

  it('shutdown: no new work; cancelFutures cancels what has not started; running work finishes', async () => {
    const ex = new DistributedExecutor({ connection: url, queue: QUEUE });
    const key = `s:${Math.random()}`;
    const running = [0, 1, 2, 3].map((i) => ex.submit(gate, url, key, `r${i}`));
    await started(key, 4);
    await untilRunning(running);
    const pending = [0, 1, 2].map(() => ex.submit(add, 1, 2));
    const done = ex.shutdownAsync({ wait: true, cancelFutures: true });
    expect(() => ex.submit(add, 1, 2)).toThrow(RuntimeError);
    expect(() => ex.submit(add, 1, 2)).toThrow('cannot schedule new futures after shutdown');
    expect(pending.every((f) => f.cancelled())).toBe(true);
    await redis.rpush(`${key}:go`, 'x', 'x', 'x', 'x');
    await done;
    expect(running.map((f) => f.result())).toEqual(['r0', 'r1', 'r2', 'r3']);
    expect(ex.stats()).toMatchObject({ submitted: 7, completed: 4, cancelled: 3, queued: 0, running: 0 });
    expect(String(ex)).toMatch(/shutdown/);
  });

  it('maxInFlight caps the jobs in Redis; the rest wait in the executor', async () => {
    await using ex = new DistributedExecutor({ connection: url, queue: QUEUE, maxInFlight: 2 });
    const key = `m:${Math.random()}`;
    const futures = [0, 1, 2, 3, 4].map((i) => ex.submit(gate, url, key, `g${i}`));
    await started(key, 2);
    const { queued, running } = ex.stats();
    expect(queued).toBeGreaterThanOrEqual(3);
    expect(running).toBeLessThanOrEqual(2);
    expect(await redis.llen(`${key}:started`)).toBe(0);
    await redis.rpush(`${key}:go`, 'x', 'x', 'x', 'x', 'x');
    await waitAsync(futures, { timeout: 20_000 });
    expect(futures.map((f) => f.result()).sort()).toEqual(['g0', 'g1', 'g2', 'g3', 'g4']);
  });

  it('a Redis that does not answer breaks the executor with a clear error; shutdown still returns', async () => {
    const nobody = await freePort(); // closed again: nothing listens there
    const ex = new DistributedExecutor({ connection: `redis://127.0.0.1:${nobody}`, queue: QUEUE, connectTimeout: 300 });
    const error = (await ex.submit(add, 1, 2).exceptionAsync(20_000)) as Error;
    expect(error.name).toBe('BrokenExecutor');
    expect(error.message).toMatch(new RegExp(`could not reach Redis at redis://127.0.0.1:${nobody} .*within 300 ms`));
    expect(() => ex.submit(add, 1, 2)).toThrow(/cannot reach Redis/);
    await ex.shutdownAsync();
    expect(String(ex)).toMatch(/broken/);
  });

  it('bad options are refused with clear errors', () => {
    expect(() => new DistributedExecutor({ connection: 'http://x', queue: 'q' })).toThrow(/redis:\/\//);
    expect(() => new DistributedExecutor({ connection: url, queue: '' })).toThrow(TypeError);
    expect(() => new DistributedExecutor({ connection: url, queue: 'q', attempts: 0 })).toThrow(RangeError);
  });
});
