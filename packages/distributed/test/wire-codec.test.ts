// The wire codec and the worker's task resolver on their own (no Redis needed): what round-trips,
// what is refused at encoding with the path named, and that malformed input read from Redis is
// an error — decoding builds data and evaluates nothing.
import { BrokenExecutor, Lock, SharedArray, Value, registerErrorClass } from '@threadkit/backend-workers';
import { fromWire, toWire } from '@threadkit/distributed';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TaskResolver } from '../src/worker/task-resolver';

const roundTrip = <T>(value: T): T => fromWire(JSON.parse(JSON.stringify(toWire(value)))) as T;

describe('wire codec', () => {
  it('round-trips primitives the JSON way cannot', () => {
    for (const v of [undefined, null, true, 0, -0, 1.5, NaN, Infinity, -Infinity, 'x', 2n ** 70n, -5n]) {
      expect(Object.is(roundTrip(v), v)).toBe(true);
    }
  });

  it('keeps shared and cyclic references inside one value', () => {
    const shared = { n: 1 };
    const value = { a: shared, b: shared, list: [] as unknown[] };
    value.list.push(value);
    const back = roundTrip(value);
    expect(back.a).toBe(back.b);
    expect(back.list[0]).toBe(back);
  });

  it('rebuilds errors as their registered class, with cause, stack and own properties', () => {
    class AppError extends Error {
      override name = 'AppError';
    }
    registerErrorClass(AppError);
    const error = Object.assign(new AppError('bad', { cause: new BrokenExecutor('pool') }), { code: 'E1' });
    const back = roundTrip(error);
    expect(back).toBeInstanceOf(AppError);
    expect(back.message).toBe('bad');
    expect(back.stack).toBe(error.stack);
    expect(back.cause).toBeInstanceOf(BrokenExecutor);
    expect(back.code).toBe('E1');
    const agg = roundTrip(new AggregateError([new TypeError('t')], 'many'));
    expect(agg).toBeInstanceOf(AggregateError);
    expect(agg.errors[0]).toBeInstanceOf(TypeError);
  });

  it('class instances travel as plain objects; boxed primitives stay boxed', () => {
    class Point {
      constructor(
        public x: number,
        public y: number,
      ) {}
    }
    const back = roundTrip({ p: new Point(1, 2), s: Object('str') as string });
    expect(back.p).toEqual({ x: 1, y: 2 });
    expect(Object.getPrototypeOf(back.p)).toBe(Object.prototype);
    expect(back.s).toBeInstanceOf(String);
  });

  it('refuses shared handles, functions and symbols, naming the path', () => {
    expect(() => toWire([1, { lock: new Lock() }], 'args')).toThrow("cannot send args[1].lock to a remote worker: a Lock (a shared handle lives in one machine's memory; a remote task cannot use it)");
    expect(() => toWire(new Map([['k', new Value('i', 1)]]), 'args')).toThrow(/cannot send args\.get\(<key 0>\) to a remote worker: a Value/);
    expect(() => toWire([new SharedArray('i', 2)], 'args')).toThrow(/args\[0\].*a SharedArray/);
    expect(() => toWire({ f() {} }, 'args')).toThrow('cannot send args.f to a remote worker: function f');
    expect(() => toWire([Symbol('s')], 'args')).toThrow('cannot send args[0] to a remote worker: symbol');
  });

  it('malformed input is a TypeError, and nothing in it is evaluated', () => {
    expect(() => fromWire({ zz: 1 })).toThrow(/unknown tag 'zz'/);
    expect(() => fromWire({ o: {}, u: 0 })).toThrow(/one key/);
    expect(() => fromWire({ r: 3 })).toThrow(/reference/);
    expect(() => fromWire({ b: '1; process.exit()' })).toThrow(/bigint/);
    expect(() => fromWire({ v: ['Function', 'AAAA'] })).toThrow(/view type/);
    // A "__proto__" key read from Redis becomes an own property, never the object's prototype.
    const back = fromWire(JSON.parse('{"o":{"__proto__":{"o":{"polluted":true}}}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('task resolver', () => {
  const tasks = fileURLToPath(new URL('./fixtures/tasks.mjs', import.meta.url));
  const resolver = new TaskResolver([tasks, 'ioredis']);

  it('resolves paths in the task root and the packages it was given', () => {
    expect(resolver.resolve('./tasks.mjs')).toBe(new URL('./fixtures/tasks.mjs', import.meta.url).href);
    expect(resolver.resolve('ioredis')).toMatch(/^file:.*ioredis/);
  });

  it('refuses anything else', () => {
    expect(() => resolver.resolve('../harness.ts')).toThrow(/outside the worker's task root/);
    expect(() => resolver.resolve('./nope.mjs')).toThrow(/not found/);
    expect(() => resolver.resolve('node:child_process')).toThrow(/package name or a path relative/);
    expect(() => resolver.resolve('/etc/passwd')).toThrow(/package name or a path relative/);
    expect(() => resolver.resolve('fs')).toThrow(/not one of this worker's task packages/);
  });
});
