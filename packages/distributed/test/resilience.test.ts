// What happens when processes die: a worker SIGKILLed mid-task (its job completes on another
// worker, the future once), Redis killed and restarted empty mid-run (every future settles with
// a clear error; the executor and the workers reconnect), and a worker's graceful SIGTERM.
import { JobLostError, DistributedExecutor } from '@threadkit/distributed';
import { task, waitAsync } from '@threadkit/backend-workers';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { HAVE_REDIS, SKIP_REASON, freePort, startRedis, startWorker, stop, stopAll, waitForOutput } from './harness';

const add = task('./tasks.mjs', 'add');
const gate = task('./tasks.mjs', 'gate');
/** Short BullMQ lock and stalled-check periods, so a dead worker's job is taken back within ~1 s. */
const FAST_STALL = ['--lock-duration', '1000', '--stalled-interval', '300'];

describe.skipIf(!HAVE_REDIS)(`DistributedExecutor when processes die${SKIP_REASON}`, () => {
  const clients: Redis[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect();
    await stopAll();
  });
  afterAll(stopAll);

  async function redisAt(port: number): Promise<{ url: string; redis: Redis }> {
    const url = `redis://127.0.0.1:${port}`;
    const redis = new Redis(url);
    clients.push(redis);
    return { url, redis };
  }

  async function started(redis: Redis, key: string, n: number): Promise<void> {
    const blocker = redis.duplicate();
    try {
      for (let i = 0; i < n; i++) if ((await blocker.blpop(`${key}:started`, 20)) === null) throw new Error('task did not start within 20 s');
    } finally {
      blocker.disconnect();
    }
  }

  it('a worker SIGKILLed mid-task: the job completes on another worker, the future resolves once', async () => {
    const port = await freePort();
    await startRedis(port);
    const { url, redis } = await redisAt(port);
    const first = await startWorker(url, 'kill', ['--threads', '1', ...FAST_STALL]);
    await using ex = new DistributedExecutor({ connection: url, queue: 'kill' });
    const key = `kill:${Math.random()}`;
    const future = ex.submit(gate, url, key, 'survived');
    let callbacks = 0;
    const called = new Promise<void>((resolve) => future.addDoneCallback(() => (callbacks++, resolve())));
    await started(redis, key, 1);
    await startWorker(url, 'kill', ['--threads', '1', ...FAST_STALL]);
    expect(await stop(first, 'SIGKILL')).toBe(null);
    await started(redis, key, 1); // taken back by the stalled-job check, run again on the second worker
    await redis.rpush(`${key}:go`, 'go');
    expect(await future.resultAsync(20_000)).toBe('survived');
    await called;
    expect(callbacks).toBe(1);
    expect(await redis.get(`${key}:starts`)).toBe('2'); // at-least-once: it ran twice, completed once
    await ex.shutdownAsync();
    expect(ex.stats()).toMatchObject({ submitted: 1, completed: 1, failed: 0, queued: 0, running: 0 });
  });

  it('Redis killed and restarted empty mid-run: every future settles with a clear error, then work resumes', async () => {
    const port = await freePort();
    const server = await startRedis(port);
    let { url, redis } = await redisAt(port);
    await startWorker(url, 'restart', ['--threads', '2']);
    await using ex = new DistributedExecutor({ connection: url, queue: 'restart', pollInterval: 200 });
    const key = `restart:${Math.random()}`;
    const futures = [0, 1, 2, 3, 4].map((i) => ex.submit(gate, url, key, `g${i}`));
    await started(redis, key, 2);
    await stop(server, 'SIGKILL');
    await startRedis(port);
    ({ redis } = await redisAt(port));
    // The two running tasks wait on the (new, empty) Redis: let them end.
    await redis.rpush(`${key}:go`, 'go', 'go', 'go', 'go', 'go');
    const { notDone } = await waitAsync(futures, { timeout: 25_000 });
    expect(notDone.size).toBe(0);
    for (const future of futures) {
      const error = future.exception() as Error;
      expect(error).toBeInstanceOf(JobLostError);
      expect(error.message).toMatch(/is no longer in Redis/);
    }
    expect(ex.stats()).toMatchObject({ submitted: 5, failed: 5 });
    expect(await ex.submit(add, 2, 2).resultAsync(25_000)).toBe(4);
  }, 60_000);

  it('SIGTERM: the worker takes no new job, finishes the running one, and exits 0', async () => {
    const port = await freePort();
    await startRedis(port);
    const { url, redis } = await redisAt(port);
    const worker = await startWorker(url, 'term', ['--threads', '1']);
    await using ex = new DistributedExecutor({ connection: url, queue: 'term' });
    const key = `term:${Math.random()}`;
    const running = ex.submit(gate, url, key, 'finished');
    await started(redis, key, 1);
    worker.child.kill('SIGTERM');
    await waitForOutput(worker, /threadkit-worker stopping \(SIGTERM\)/);
    const later = ex.submit(add, 20, 22);
    await redis.rpush(`${key}:go`, 'go');
    expect(await running.resultAsync(20_000)).toBe('finished');
    expect(await worker.exited).toBe(0);
    expect(later.done()).toBe(false);
    await startWorker(url, 'term', ['--threads', '1']);
    expect(await later.resultAsync(20_000)).toBe(42);
  });
});
