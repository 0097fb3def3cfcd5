/**
 * The DistributedExecutor's I/O thread: it owns the BullMQ Queue and QueueEvents, sends the
 * executor's jobs (in batches, at most `maxInFlight` in Redis), and completes each future once,
 * from the first of: the QueueEvents stream (`active`, `completed`, `failed`, `removed`), or
 * the periodic check of in-flight jobs in Redis (a missed event, or a job Redis lost — which
 * fails its future with JobLostError instead of leaving it pending forever).
 *
 * Cancellation: a future cancelled while its job waits removes the job; one whose job already
 * runs, or a `signal` aborted while it runs, publishes the job id on the queue's cancel channel,
 * where every threadkit-worker listens and aborts that job's `taskSignal()` (BullMQ's
 * `Worker.cancelJob` works only inside the worker's own process).
 */
import { Empty, BrokenExecutor, RuntimeError, SharedArray, SimpleQueue } from '@threadkit/api';
import { Job, Queue, QueueEvents, type ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { ClientConfig, ClientRequest } from './client-config';
import { describeConnection } from './connection';
import { JobLostError } from './errors';
import { bullPriority } from './options';
import { cancelChannel, failureFromLogs, remoteException, threadsOfWorkers, type ResultEnvelope } from './protocol';
import { S } from './stats';
import { fromWire } from './wire-codec';
import { finish, uncount, type Entry } from './client-entry';
import { recordTime, RUN_TIME, WAIT_TIME } from './time-histograms';

/** Now, on the clock `submit` used: ms since the epoch. */
const now = (): number => performance.timeOrigin + performance.now();

/** Ms a finished job stays in Redis for a client that missed its event (BullMQ's removeOnComplete/removeOnFail age, in s). */
const KEEP_COMPLETED_S = 3600;
const KEEP_FAILED_S = 24 * 3600;

class Client {
  private readonly entries = new Map<string, Entry>();
  private readonly backlog: Entry[] = [];
  private batch: Entry[] = [];
  private flushScheduled = false;
  private inFlight = 0;
  private shuttingDown = false;
  private broken: Error | undefined;
  private lastError: Error | undefined;
  private lastCheck = 0;
  /** Set once the executor closes its connections: no more reconnecting. */
  private closing = false;
  /** The periodic check while it runs. */
  private checking: Promise<void> | undefined;
  private readonly queue: Queue;
  private events: QueueEvents | undefined;
  /** Our own connection: the cancel channel's PUBLISH and the checks' pipelines. */
  private readonly redis: Redis;
  private readonly where: string;

  constructor(
    private readonly config: ClientConfig,
    private readonly requests: SimpleQueue<ClientRequest | { kind: 'wake' }>,
    private readonly counters: SharedArray<'i'>,
    private readonly histograms: SharedArray<'d'>,
  ) {
    const connection = this.connectionOptions();
    this.where = `${describeConnection(config.connection)} (queue ${config.queue})`;
    this.queue = new Queue(config.queue, { connection, prefix: config.prefix });
    this.redis = new Redis(this.connectionOptions() as RedisOptions);
    this.redis.on('error', this.remember);
    this.queue.on('error', this.remember);
  }

  /**
   * The connection options of each of our clients: ioredis' reconnection (retry after 50 ms,
   * 100 ms, … up to 2 s) until the executor closes, then none — so closing never waits for a
   * Redis that does not answer.
   */
  private connectionOptions(): ConnectionOptions {
    return { ...this.config.connection, retryStrategy: (times: number) => (this.closing ? null : Math.min(times * 50, 2000)) } as ConnectionOptions;
  }

  private readonly remember = (error: Error): void => {
    this.lastError = error;
  };

  /**
   * Starts reading the queue's event stream after its current last entry, read before any job of
   * ours is added (QueueEvents' default, `$`, would miss what happens before its first read).
   */
  private async listen(): Promise<void> {
    const [last] = await this.redis.xrevrange(`${this.config.prefix}:${this.config.queue}:events`, '+', '-', 'COUNT', 1);
    const connection = this.connectionOptions();
    const events = new QueueEvents(this.config.queue, { connection, prefix: this.config.prefix, lastEventId: last?.[0] ?? '0-0' });
    this.events = events;
    events.on('error', this.remember);
    events.on('active', ({ jobId }) => this.started(jobId));
    events.on('completed', ({ jobId, returnvalue }) => this.completed(jobId, returnvalue));
    events.on('failed', ({ jobId, failedReason }) => void this.failed(jobId, failedReason));
    events.on('removed', ({ jobId }) => this.lost(jobId, 'was removed from the queue'));
    await events.waitUntilReady();
  }

  async run(): Promise<void> {
    await this.connect();
    while (!(this.shuttingDown && this.entries.size === 0)) {
      let request: ClientRequest | { kind: 'wake' } | undefined;
      try {
        request = await this.requests.getAsync(this.config.pollInterval);
      } catch (error) {
        if (!(error instanceof Empty)) throw error;
      }
      if (request !== undefined) {
        this.handle(request);
        for (;;) {
          try {
            this.handle(this.requests.getNowait());
          } catch (error) {
            if (error instanceof Empty) break;
            throw error;
          }
        }
        this.flush();
      }
      // The check runs beside the requests (it awaits Redis; requests keep flowing meanwhile).
      if (this.checking === undefined && performance.now() - this.lastCheck >= this.config.pollInterval) {
        this.checking = this.check().finally(() => (this.checking = undefined));
      }
    }
    await this.checking;
    await this.close();
  }

  /** Waits for Redis; breaks the executor when it stays unreachable for `connectTimeout` ms. */
  private async connect(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.config.connectTimeout)));
    const ready = Promise.all([this.queue.waitUntilReady(), this.listen()]).then(() => 'ready' as const);
    const outcome = await Promise.race([ready, timeout]).catch((error: Error) => ((this.lastError = error), 'timeout' as const));
    clearTimeout(timer);
    if (outcome === 'ready') return;
    const reason = this.lastError?.message ?? 'no answer';
    this.broken = new BrokenExecutor(`DistributedExecutor could not reach Redis at ${this.where} within ${this.config.connectTimeout} ms: ${reason}`);
    this.counters.store(S.broken, 1);
  }

  private handle(request: ClientRequest | { kind: 'wake' }): void {
    switch (request.kind) {
      case 'submit':
        return this.submit(request);
      case 'abort':
        return void this.abort(request.jobId);
      case 'shutdown':
        this.shuttingDown = true;
        if (request.cancelFutures) {
          for (const entry of [...this.entries.values()]) if (entry.phase !== 'started') entry.future.cancel();
        }
        return;
      case 'wake':
        return;
    }
  }

  private submit(request: Extract<ClientRequest, { kind: 'submit' }>): void {
    const entry: Entry = { jobId: request.jobId, future: request.future, data: request.data, priority: request.priority, submittedAt: request.submittedAt, startedAt: 0, phase: 'held', counted: true };
    if (this.broken !== undefined) {
      if (!finish(this.counters, entry, true, this.broken, S.failed) && entry.counted) {
        uncount(this.counters, entry);
        this.counters.add(S.cancelled, 1); // cancelled before it reached this thread
      }
      return;
    }
    this.entries.set(entry.jobId, entry);
    entry.future.addDoneCallback(() => this.settled(entry));
    if (!entry.future.done()) {
      this.backlog.push(entry);
      this.pump();
    }
  }

  /** Moves held jobs into the next batch while fewer than `maxInFlight` are in Redis. */
  private pump(): void {
    while (this.inFlight < this.config.maxInFlight && this.backlog.length > 0) {
      const entry = this.backlog.shift()!;
      if (entry.future.done()) continue;
      entry.phase = 'adding';
      this.inFlight++;
      this.batch.push(entry);
    }
    if (this.batch.length > 0 && !this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** Sends the batch with one `addBulk` (one job: one `add`). */
  private flush(): void {
    this.flushScheduled = false;
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    const { attempts, backoff } = this.config;
    const jobs = batch.map((entry) => ({
      name: entry.data.name,
      data: entry.data,
      opts: {
        jobId: entry.jobId,
        attempts,
        ...(backoff === undefined ? {} : { backoff: typeof backoff === 'number' ? { type: 'fixed', delay: backoff } : backoff }),
        priority: bullPriority(entry.priority),
        removeOnComplete: { age: KEEP_COMPLETED_S },
        removeOnFail: { age: KEEP_FAILED_S },
      },
    }));
    // One job goes alone: addBulk wraps even one in a MULTI, whose pipeline costs more to build than the job.
    const added = jobs.length === 1 ? this.queue.add(jobs[0]!.name, jobs[0]!.data, jobs[0]!.opts) : this.queue.addBulk(jobs);
    added.then(
      () => {
        for (const entry of batch) {
          if (entry.phase === 'adding') entry.phase = 'queued';
          if (entry.future.cancelled()) void this.withdraw(entry);
        }
      },
      (error: Error) => {
        for (const entry of batch) {
          this.fail(entry, new RuntimeError(`could not send job ${entry.jobId} to Redis at ${this.where}: ${error.message}`, { cause: error }));
        }
      },
    );
  }

  /** A worker started the job: the future is RUNNING (or, cancelled meanwhile, the task is aborted). */
  private started(jobId: string): void {
    const entry = this.entries.get(jobId);
    if (entry === undefined || entry.phase === 'started') return;
    const startedAt = now(); // before the future shows RUNNING, so that a run time covers all a thread saw running
    // Cancelled meanwhile: the worker holds the job, so abort it (the entry is settled as cancelled).
    if (entry.future.done() || !entry.future.setRunningOrNotifyCancel()) return void this.abort(jobId);
    if (entry.counted) {
      this.counters.sub(S.queued, 1);
      this.counters.add(S.running, 1);
    }
    entry.phase = 'started';
    entry.startedAt = startedAt;
    recordTime(this.histograms, WAIT_TIME, entry.startedAt - entry.submittedAt);
  }

  private completed(jobId: string, returnvalue: unknown): void {
    const entry = this.entries.get(jobId);
    if (entry === undefined || entry.future.done()) return;
    this.ended(entry);
    let value: unknown;
    try {
      const envelope = (typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as ResultEnvelope;
      value = fromWire(envelope.value);
    } catch (error) {
      return this.fail(entry, new TypeError(`the result of job ${jobId} could not be decoded: ${(error as Error).message}`));
    }
    finish(this.counters, entry, false, value, S.completed);
  }

  private async failed(jobId: string, failedReason: string): Promise<void> {
    const entry = this.entries.get(jobId);
    if (entry === undefined || entry.future.done()) return;
    let logs: string[] = [];
    try {
      logs = (await this.queue.getJobLogs(jobId)).logs;
    } catch {
      // The reason alone, below.
    }
    if (entry.future.done()) return;
    this.ended(entry);
    const failure = failureFromLogs(logs);
    if (failure === undefined) {
      return this.fail(entry, new RuntimeError(`job ${jobId} (task ${entry.data.name} from ${entry.data.module}) failed: ${failedReason}`));
    }
    if (finish(this.counters, entry, true, remoteException(failure, jobId), S.failed) && failure.timedOut) this.counters.add(S.timedOut, 1);
  }

  /** A started job's worker finished it (its event, or its record in Redis): its run time, before its future completes. */
  private ended(entry: Entry): void {
    if (entry.startedAt !== 0) recordTime(this.histograms, RUN_TIME, now() - entry.startedAt);
  }

  /** The job is gone from Redis before it finished. */
  private lost(jobId: string, why: string): void {
    const entry = this.entries.get(jobId);
    if (entry === undefined || entry.future.done() || entry.phase === 'held' || entry.phase === 'adding') return;
    this.fail(entry, new JobLostError(`job ${jobId} (task ${entry.data.name} from ${entry.data.module}) ${why}`));
  }

  private fail(entry: Entry, error: unknown): void {
    finish(this.counters, entry, true, error, S.failed);
  }

  /** The future is done (any thread): forget the entry, withdraw a cancelled job, send held ones. */
  private settled(entry: Entry): void {
    if (this.entries.get(entry.jobId) !== entry) return;
    this.entries.delete(entry.jobId);
    const phase = entry.phase;
    if (phase !== 'held') this.inFlight--;
    uncount(this.counters, entry);
    if (entry.future.cancelled()) {
      this.counters.add(S.cancelled, 1);
      if (phase === 'queued') void this.withdraw(entry);
      else if (phase === 'started') void this.abort(entry.jobId);
      // 'adding': withdrawn once addBulk resolves; 'held': never sent.
    }
    this.pump();
    if (this.shuttingDown && this.entries.size === 0) this.requests.put({ kind: 'wake' });
  }

  /** Removes a cancelled job from Redis; a job a worker holds already is aborted instead. */
  private async withdraw(entry: Entry): Promise<void> {
    let removed: unknown;
    try {
      removed = await this.queue.remove(entry.jobId);
    } catch (error) {
      this.lastError = error as Error;
    }
    // Not removed (a worker holds it, or Redis did not answer): abort it wherever it runs.
    if (removed !== 1) await this.abort(entry.jobId);
  }

  /** Asks every worker of the queue to abort the job's `taskSignal()`. */
  private async abort(jobId: string): Promise<void> {
    try {
      await this.redis.publish(cancelChannel(this.config.prefix, this.config.queue), jobId);
    } catch (error) {
      this.lastError = error as Error;
    }
  }

  /**
   * The periodic check: every job this executor has in Redis still exists, and one that finished
   * without its event reaching us is completed from its record; the queue's depth and its workers' threads are sampled.
   */
  private async check(): Promise<void> {
    this.lastCheck = performance.now();
    if (this.broken !== undefined) return;
    try {
      const [counts, workers] = await Promise.all([this.queue.getJobCounts('wait', 'prioritized', 'delayed', 'active'), this.queue.getWorkers()]);
      const { active = 0, ...waiting } = counts;
      this.counters.store(S.queueDepth, Object.values(waiting).reduce((a, b) => a + b, 0));
      const threads = threadsOfWorkers(workers);
      this.counters.store(S.threads, threads);
      this.counters.store(S.idleThreads, Math.max(0, threads - active));
      const inRedis = [...this.entries.values()].filter((e) => e.phase === 'queued' || e.phase === 'started');
      if (inRedis.length === 0) return;
      const client = this.redis;
      const base = `${this.config.prefix}:${this.config.queue}`;
      const pipeline = client.pipeline();
      for (const entry of inRedis) {
        pipeline.exists(`${base}:${entry.jobId}`);
        pipeline.zscore(`${base}:completed`, entry.jobId);
        pipeline.zscore(`${base}:failed`, entry.jobId);
      }
      const answers = (await pipeline.exec()) ?? [];
      for (let i = 0; i < inRedis.length; i++) {
        const entry = inRedis[i]!;
        const [exists, completed, failed] = [answers[3 * i]?.[1], answers[3 * i + 1]?.[1], answers[3 * i + 2]?.[1]];
        if (entry.future.done()) continue;
        if (exists === 0) {
          this.lost(entry.jobId, 'is no longer in Redis (Redis restarted without persistence, or the job was deleted)');
        } else if (completed != null || failed != null) {
          const job = await Job.fromId(this.queue, entry.jobId);
          if (job === undefined) continue;
          if (completed != null) this.completed(entry.jobId, job.returnvalue);
          else await this.failed(entry.jobId, job.failedReason);
        }
      }
    } catch (error) {
      this.lastError = error as Error;
    }
  }

  private async close(): Promise<void> {
    this.closing = true;
    if (this.broken !== undefined) this.redis.disconnect();
    await Promise.allSettled([this.events?.close(), this.queue.close(), this.broken === undefined ? this.redis.quit() : undefined]);
    this.redis.disconnect();
  }
}

/**
 * The I/O thread's target (a module export, run by `new Thread`): serves `requests` until the
 * executor shuts down and every future is done, then closes its Redis connections.
 */
export async function runClient(
  config: ClientConfig,
  requests: SimpleQueue<ClientRequest | { kind: 'wake' }>,
  counters: SharedArray<'i'>,
  histograms: SharedArray<'d'>,
): Promise<void> {
  await new Client(config, requests, counters, histograms).run();
}
