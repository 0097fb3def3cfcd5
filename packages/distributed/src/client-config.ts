/**
 * What the executor hands its I/O thread: the configuration (plain data, copied to the thread)
 * and the requests that follow on a shared queue.
 */
import type { Future } from '@threadkit/api';
import type { RedisOptions } from 'ioredis';
import type { Backoff } from './options';
import type { JobData } from './protocol';

/** The executor's checked options. */
export interface ClientConfig {
  readonly connection: RedisOptions;
  readonly queue: string;
  readonly prefix: string;
  readonly attempts: number;
  readonly backoff: Backoff | undefined;
  readonly maxInFlight: number;
  readonly connectTimeout: number;
  readonly pollInterval: number;
}

/** A request from the executor to its I/O thread. */
export type ClientRequest =
  | { readonly kind: 'submit'; readonly jobId: string; readonly future: Future<unknown>; readonly data: JobData; readonly priority: number; readonly submittedAt: number }
  | { readonly kind: 'abort'; readonly jobId: string }
  | { readonly kind: 'shutdown'; readonly cancelFutures: boolean };
