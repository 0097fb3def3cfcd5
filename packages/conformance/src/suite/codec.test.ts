import { describe, expect, it } from 'vitest';
import { BrokenBarrierError, Empty, Queue, Thread, ThreadPoolExecutor } from '#backend';
import { fx } from './support';

/** Sends `value` to a thread and back (two copies); returns what came back. */
function roundTrip(value: unknown): unknown {
  const q = new Queue();
  const t = new Thread({ target: (v: unknown, out: Queue) => out.put(v), args: [value, q] });
  t.start();
  t.join();
  return q.get(true, 10_000);
}

describe('codec: what crosses threads', () => {
  it('primitives, including NaN, -0, Infinity and bigints', () => {
    const back = roundTrip([1, -0, NaN, Infinity, -Infinity, 2 ** 53, 1.5, 12345678901234567890n, -3n, true, false, null, undefined, '']) as unknown[];
    expect(back).toEqual([1, -0, NaN, Infinity, -Infinity, 2 ** 53, 1.5, 12345678901234567890n, -3n, true, false, null, undefined, '']);
    expect(Object.is(back[1], -0)).toBe(true);
  });

  it('strings with any code points', () => {
    const s = 'héllo wörld — 日本語 🎉 \u0000 end';
    expect(roundTrip(s)).toBe(s);
    const big = 'x'.repeat(1 << 20);
    expect(roundTrip(big)).toBe(big);
  });

  it('plain objects and arrays are deep copies', () => {
    const value = { a: [1, { b: 'c' }], d: { e: { f: null } } };
    const back = roundTrip(value);
    expect(back).toEqual(value);
    expect(back).not.toBe(value);
  });

  it('Date, RegExp, Map and Set', () => {
    const when = new Date(Date.UTC(2024, 1, 29, 12, 0, 0));
    const back = roundTrip({ when, re: /a+b/gi, map: new Map<unknown, unknown>([[1, 'one'], ['k', [2]]]), set: new Set([1, 'two']) }) as {
      when: Date;
      re: RegExp;
      map: Map<unknown, unknown>;
      set: Set<unknown>;
    };
    expect(back.when).toBeInstanceOf(Date);
    expect(back.when.getTime()).toBe(when.getTime());
    expect(back.re).toBeInstanceOf(RegExp);
    expect(back.re.source).toBe('a+b');
    expect(back.re.flags).toBe('gi');
    expect(back.map).toEqual(new Map<unknown, unknown>([[1, 'one'], ['k', [2]]]));
    expect(back.set).toEqual(new Set([1, 'two']));
  });

  it('typed arrays, ArrayBuffers and DataViews', () => {
    const buffer = new Uint8Array([1, 2, 3, 4]).buffer;
    const back = roundTrip({ f: new Float64Array([1.5, -2]), u: new Uint8Array([255, 0]), buffer, view: new DataView(buffer, 1, 2), big: new BigInt64Array([5n]) }) as {
      f: Float64Array;
      u: Uint8Array;
      buffer: ArrayBuffer;
      view: DataView;
      big: BigInt64Array;
    };
    expect(back.f).toBeInstanceOf(Float64Array);
    expect([...back.f]).toEqual([1.5, -2]);
    expect([...back.u]).toEqual([255, 0]);
    expect(new Uint8Array(back.buffer)).toEqual(new Uint8Array([1, 2, 3, 4]));
    expect(back.view.getUint8(0)).toBe(2);
    expect(back.view.byteLength).toBe(2);
    expect([...back.big]).toEqual([5n]);
  });

  it('repeated references and cycles come back as the same graph', () => {
    const shared = { n: 1 };
    const cyclic: { self?: unknown; pair: unknown[] } = { pair: [shared, shared] };
    cyclic.self = cyclic;
    const back = roundTrip(cyclic) as { self: unknown; pair: unknown[] };
    expect(back.self).toBe(back);
    expect(back.pair[0]).toBe(back.pair[1]);
    expect(back.pair[0]).toEqual({ n: 1 });
  });

  it('sparse arrays keep their holes', () => {
    // eslint-disable-next-line no-sparse-arrays
    const back = roundTrip([1, , 3]) as unknown[];
    expect(back.length).toBe(3);
    expect(1 in back).toBe(false);
    expect(back[2]).toBe(3);
  });

  it('boxed primitives stay boxed', () => {
    const back = roundTrip([new String('s'), new Number(2), new Boolean(false)]) as object[];
    expect(back[0]).toBeInstanceOf(String);
    expect(String(back[0])).toBe('s');
    expect(Number(back[1])).toBe(2);
  });

  it('errors are rebuilt with their class, name, message, stack, cause and own properties', () => {
    const cause = new TypeError('root cause');
    const error = Object.assign(new RangeError('outer', { cause }), { code: 'E_CODE', detail: { n: 1 } });
    const back = roundTrip(error) as RangeError & { code: string; detail: unknown };
    expect(back).toBeInstanceOf(RangeError);
    expect(back.name).toBe('RangeError');
    expect(back.message).toBe('outer');
    expect(back.stack).toContain('outer');
    expect(back.cause).toBeInstanceOf(TypeError);
    expect((back.cause as Error).message).toBe('root cause');
    expect(back.code).toBe('E_CODE');
    expect(back.detail).toEqual({ n: 1 });
  });

  it('AggregateError keeps its errors', () => {
    const back = roundTrip(new AggregateError([new Error('a'), new TypeError('b')], 'many')) as AggregateError;
    expect(back).toBeInstanceOf(AggregateError);
    expect(back.errors.map((e: Error) => e.message)).toEqual(['a', 'b']);
    expect(back.errors[1]).toBeInstanceOf(TypeError);
  });

  it('threadkit errors keep their classes', () => {
    const back = roundTrip([new Empty(), new BrokenBarrierError('broken')]) as Error[];
    expect(back[0]).toBeInstanceOf(Empty);
    expect(back[1]).toBeInstanceOf(BrokenBarrierError);
    expect(back[1]!.message).toBe('broken');
  });

  it('an error of a class unknown here comes back as its nearest known ancestor, keeping its name', () => {
    const ex = new ThreadPoolExecutor(1);
    const f = ex.submit(() => { class ParseError extends SyntaxError { override name = 'ParseError'; } throw new ParseError('bad token'); });
    const e = f.exception(10_000) as Error;
    expect(e).toBeInstanceOf(SyntaxError);
    expect(e.name).toBe('ParseError');
    expect(e.message).toBe('bad token');
    ex.shutdown();
  });

  it('a thrown non-Error value reaches the future as is', () => {
    const ex = new ThreadPoolExecutor(1);
    const f = ex.submit(() => { throw { code: 42 }; });
    expect(f.exception(10_000)).toEqual({ code: 42 });
    ex.shutdown();
  });

  it('a function cannot be copied: TypeError naming where it was', () => {
    const q = new Queue();
    expect(() => q.put({ nested: { cb: () => 1 } })).toThrow(TypeError);
    expect(() => q.put({ nested: { cb: () => 1 } })).toThrow(/cb/);
    expect(q.qsize()).toBe(0);
  });

  it('symbols and WeakMaps cannot be copied', () => {
    const q = new Queue();
    expect(() => q.put(Symbol('s'))).toThrow(TypeError);
    expect(() => q.put(new WeakMap())).toThrow(TypeError);
    expect(q.qsize()).toBe(0);
  });

  it('results of module-export tasks are copies too', () => {
    const ex = new ThreadPoolExecutor(1);
    const name = ex.submit(fx('threadName')).result(10_000);
    expect(typeof name).toBe('string');
    ex.shutdown();
  });
});
