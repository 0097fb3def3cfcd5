/** Node's `util.inspect` hook, reached without importing `node:util` (so the api runs in browsers). */
export const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;
