/**
 * A threadkit worker: a BullMQ Worker (concurrency = threads) that runs each job of its queue on
 * a local ThreadPoolExecutor as `task(resolvedModule, exportName)`, so one machine's cores are
 * all used. It listens on the queue's cancel channel and aborts a cancelled job's
 * `taskSignal()`; a failed task's exception is left (wire-encoded, with host, pid, task and
 * attempt) in the job's log for the client, and printed excepthook-style to stderr.
 */
import { ThreadPoolExecutor, task } from '@threadkit/backend-workers';
import { Redis } from 'ioredis';
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { hostname } from 'node:os';
import { redisOptions, type Connection } from '../connection';
import { cancelChannel, failureLogRow, taskLabel, workerName, type JobData, type RemoteFailure } from '../protocol';
import { randomUUID } from 'node:crypto';
import { fromWire, toWire } from '../wire-codec';
import { TaskResolver } from './task-resolver';

/** Options of {@link startWorker} (the CLI's flags). */
export interface WorkerOptions {
  connection: Connection;
  queue: string;
  /** `--tasks` entries: module files, directories, package names (see TaskResolver). */
  tasks: string[];
  /** Threads of the local pool, and jobs run at once; default: available parallelism. */
  threads: number;
  prefix?: string;
  /** BullMQ: ms a job's lock lasts without renewal (a dead worker's jobs stall after it). */
  lockDuration?: number;
  /** BullMQ: ms between checks for stalled jobs. */
  stalledInterval?: number;
  /** BullMQ: times a job may stall before it fails. */
  maxStalledCount?: number;
  /** Where the excepthook-style reports go (default: stderr). */
  stderr?: (text: string) => void;
}

/** A running worker. */
export interface RunningWorker {
  /** Stops taking jobs, lets the running ones finish, closes the pool and the connections. */
  close(): Promise<void>;
}

function isJobData(data: unknown): data is JobData {
  const d = data as JobData;
  return typeof d === 'object' && d !== null && typeof d.module === 'string' && typeof d.name === 'string' && Array.isArray(d.args);
}

/** Starts a worker; resolves once it is connected and its task modules are loaded. */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const connection = redisOptions(options.connection);
  const prefix = options.prefix ?? 'bull';
  const resolver = new TaskResolver(options.tasks);
  for (const url of resolver.preloads(options.tasks)) await import(url);
  const stderr = options.stderr ?? ((text: string) => process.stderr.write(text));
  const host = hostname();
  const pool = new ThreadPoolExecutor(options.threads);

  const processor = async (job: Job, _token?: string, signal?: AbortSignal): Promise<unknown> => {
    const data = job.data as unknown;
    if (!isJobData(data)) throw new UnrecoverableError(`job ${job.id} is not a threadkit job (its data has no module/name/args)`);
    const label = taskLabel(data.module, data.name);
    const attempts = job.opts.attempts ?? 1;
    const attempt = job.attemptsMade + 1;
    const started = performance.now();
    try {
      const fn = task(resolver.resolve(data.module), data.name);
      const args = fromWire(data.args) as unknown[];
      const future = pool.submitWith({ signal, timeout: data.timeout }, fn, ...args);
      const value = await future;
      return { value: toWire(value, 'the result') };
    } catch (error) {
      const timedOut = data.timeout !== undefined && performance.now() - started >= data.timeout;
      let encoded;
      try {
        encoded = toWire(error, 'the exception');
      } catch (encodeError) {
        encoded = toWire(new TypeError(`the task's exception could not be sent: ${(encodeError as Error).message}`));
      }
      const failure: RemoteFailure = { error: encoded, host, pid: process.pid, task: label, attempt, attempts, timedOut };
      const stack = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
      stderr(`Exception in task ${label} (job ${job.id}, attempt ${attempt} of ${attempts}, pid ${process.pid} on ${host}):\n${stack}\n`);
      await job.log(failureLogRow(failure)).catch(() => undefined);
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      // A cancelled job, or a task module that cannot be loaded here, is not retried.
      if (signal?.aborted && !timedOut) throw new UnrecoverableError(`cancelled: ${message}`);
      if (error instanceof TypeError && /task module/.test(error.message)) throw new UnrecoverableError(message);
      throw new Error(message);
    }
  };

  const worker = new Worker(options.queue, processor, {
    connection: { ...connection, maxRetriesPerRequest: null } as ConnectionOptions,
    prefix,
    name: workerName(options.threads, process.pid, randomUUID().slice(0, 8)),
    concurrency: options.threads,
    ...(options.lockDuration !== undefined ? { lockDuration: options.lockDuration } : {}),
    ...(options.stalledInterval !== undefined ? { stalledInterval: options.stalledInterval } : {}),
    ...(options.maxStalledCount !== undefined ? { maxStalledCount: options.maxStalledCount } : {}),
  });
  worker.on('error', (error) => stderr(`threadkit-worker: ${error.message}\n`));

  const subscriber = new Redis({ ...connection, maxRetriesPerRequest: null });
  subscriber.on('error', (error) => stderr(`threadkit-worker: cancel channel: ${error.message}\n`));
  subscriber.on('message', (_channel: string, jobId: string) => {
    worker.cancelJob(jobId, 'cancelled by its DistributedExecutor');
  });
  await subscriber.subscribe(cancelChannel(prefix, options.queue));
  await worker.waitUntilReady();

  let closing: Promise<void> | undefined;
  return {
    close(): Promise<void> {
      closing ??= (async () => {
        await worker.close();
        await pool.shutdownAsync(true);
        await subscriber.quit().catch(() => subscriber.disconnect());
      })();
      return closing;
    },
  };
}
