/**
 * Where Redis is: a `redis://[user:password@]host[:port][/db]` (or `rediss://` for TLS) URL, or
 * ioredis options (plain data: they cross to the executor's I/O thread, so no instance). Both
 * become plain ioredis options.
 */
import type { RedisOptions } from 'ioredis';

/** A Redis URL or plain ioredis options (host, port, password, db, tls, …). */
export type Connection = string | RedisOptions;

/** Plain ioredis options for `connection`; a TypeError/RangeError for what is not one. */
export function redisOptions(connection: Connection): RedisOptions {
  if (typeof connection === 'object' && connection !== null) {
    if (typeof (connection as { duplicate?: unknown }).duplicate === 'function') {
      throw new TypeError('connection must be a redis:// URL or plain ioredis options, not a client instance');
    }
    return { ...connection };
  }
  if (typeof connection !== 'string') throw new TypeError('connection must be a redis:// URL or ioredis options');
  let url: URL;
  try {
    url = new URL(connection);
  } catch {
    throw new TypeError(`invalid Redis URL: '${connection}'`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new TypeError(`invalid Redis URL: '${connection}' (expected redis:// or rediss://)`);
  }
  const options: RedisOptions = { host: url.hostname || '127.0.0.1', port: url.port === '' ? 6379 : Number(url.port) };
  if (url.username !== '') options.username = decodeURIComponent(url.username);
  if (url.password !== '') options.password = decodeURIComponent(url.password);
  const db = url.pathname.replace(/^\//, '');
  if (db !== '') {
    if (!/^\d+$/.test(db)) throw new RangeError(`invalid Redis database '${db}' in '${connection}'`);
    options.db = Number(db);
  }
  if (url.protocol === 'rediss:') options.tls = {};
  return options;
}

/** `redis://host:port/db` for messages (no password). */
export function describeConnection(options: RedisOptions): string {
  return `redis://${options.host ?? '127.0.0.1'}:${options.port ?? 6379}${options.db ? `/${options.db}` : ''}`;
}
