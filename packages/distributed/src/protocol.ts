/**
 * What the client and the workers agree on: the job's data, the result envelope, the job-log
 * row that carries a task's exception, the cancellation channel, and how a remote exception is
 * rebuilt on the client. Everything here is plain JSON (see wire-codec.ts for values).
 */
import type { Wire } from './wire-codec';
import { fromWire } from './wire-codec';

/** A job's data in Redis: the task (module specifier + export name), its encoded arguments and options. */
export interface JobData {
  /** Module specifier, resolved on the worker (package name or path relative to its task root). */
  readonly module: string;
  /** The export to call. */
  readonly name: string;
  /** The arguments, a wire-encoded array. */
  readonly args: Wire;
  /** Ms from the task's start until its `taskSignal()` aborts with a TimeoutError. */
  readonly timeout?: number;
}

/** What a worker's processor returns for a job whose task returned. */
export interface ResultEnvelope {
  /** The wire-encoded return value. */
  readonly value: Wire;
}

/** Where and how a task failed, as the worker reports it. */
export interface RemoteFailure {
  /** The wire-encoded exception. */
  readonly error: Wire;
  readonly host: string;
  readonly pid: number;
  readonly task: string;
  readonly attempt: number;
  readonly attempts: number;
  /** True when the task ran past its `timeout` (its signal aborted with a TimeoutError). */
  readonly timedOut: boolean;
}

/** Prefix of the job-log row in which a worker leaves the encoded exception of a failed attempt. */
export const FAILURE_LOG_PREFIX = 'threadkit-failure ';

/** The Redis pub/sub channel on which clients ask the workers of `queue` to abort a running job. */
export function cancelChannel(prefix: string, queue: string): string {
  return `${prefix}:${queue}:threadkit:cancel`;
}

/** The log row for `failure`. */
export function failureLogRow(failure: RemoteFailure): string {
  return FAILURE_LOG_PREFIX + JSON.stringify(failure);
}

/** The failure in a job's log rows (the last attempt's), or undefined when none is there. */
export function failureFromLogs(rows: readonly string[]): RemoteFailure | undefined {
  for (let i = rows.length - 1; i >= 0; i--) {
    const row = rows[i]!;
    if (!row.startsWith(FAILURE_LOG_PREFIX)) continue;
    try {
      return JSON.parse(row.slice(FAILURE_LOG_PREFIX.length)) as RemoteFailure;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** `<task add from ./tasks.js>`, as repr shows a TaskRef. */
export function taskLabel(module: string, name: string): string {
  return `${name} from ${module}`;
}

/**
 * The exception a remote failure stands for: the registered error class of the remote one (an
 * unknown class arrives as `Error`, keeping its `name`), its stack followed by a line naming the
 * machine, the worker's pid, the task, the job and the attempt.
 */
export function remoteException(failure: RemoteFailure, jobId: string): unknown {
  let error: unknown;
  try {
    error = fromWire(failure.error);
  } catch (decodeError) {
    error = new Error(`the task's exception could not be decoded: ${(decodeError as Error).message}`);
  }
  const where =
    `    at <remote> task ${failure.task} on machine ${failure.host}, threadkit-worker pid ${failure.pid}, ` +
    `job ${jobId}, attempt ${failure.attempt} of ${failure.attempts}`;
  if (error instanceof Error) {
    const stack = typeof error.stack === 'string' ? error.stack : `${error.name}: ${error.message}`;
    Object.defineProperty(error, 'stack', { value: `${stack}\n${where}`, writable: true, configurable: true, enumerable: false });
  }
  return error;
}

/**
 * The BullMQ worker name a threadkit-worker runs under (Redis shows it as the connection's
 * client name): its thread count, pid and a random tag, so that a client can add up the threads
 * that serve its queue (`stats().threads`) from `Queue.getWorkers()`.
 */
export function workerName(threads: number, pid: number, tag: string): string {
  return `threadkit-worker.${threads}-threads.${pid}.${tag}`;
}

/**
 * The threads of the threadkit-workers among `clients` (`Queue.getWorkers()`'s answer: one per
 * connection, so a worker may be listed more than once; other BullMQ workers are not counted).
 */
export function threadsOfWorkers(clients: readonly { readonly name?: string; readonly rawname?: string }[]): number {
  const seen = new Map<string, number>();
  for (const { name, rawname } of clients) {
    // BullMQ lists a worker's `name` as the queue's; its full client name is `rawname`.
    const match = /(?:^|:w:)(threadkit-worker\.(\d+)-threads\.\S+)$/.exec(rawname ?? name ?? '');
    if (match !== null) seen.set(match[1]!, Number(match[2]));
  }
  let threads = 0;
  for (const n of seen.values()) threads += n;
  return threads;
}
