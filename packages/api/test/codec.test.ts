import { describe, expect, it } from 'vitest';
import { decode, encode, registerErrorClass } from '../src/codec';
import { adopt, registerKind, reviveHandle } from '../src/handle';
import { BrokenThreadPool, Empty, RuntimeError } from '../src/errors';

function roundTrip<T>(value: T): T {
  return decode(encode(value)) as T;
}

/** Decodes from a view of a SharedArrayBuffer, as values stored in the heap are read. */
function roundTripShared<T>(value: T): T {
  const bytes = encode(value);
  const heap = new Uint8Array(new SharedArrayBuffer(bytes.length + 16));
  heap.set(bytes, 8);
  return decode(heap.subarray(8, 8 + bytes.length)) as T;
}

function copyError(value: unknown, what?: string): string {
  try {
    encode(value, what);
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return (error as Error).message;
  }
  throw new Error('expected encode to throw');
}

describe('codec: primitives', () => {
  it.each([
    undefined,
    null,
    true,
    false,
    0,
    1,
    -1,
    2 ** 31 - 1,
    -(2 ** 31),
    2 ** 31,
    2 ** 53,
    1.5,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    Infinity,
    -Infinity,
    0n,
    1n,
    -1n,
    2n ** 63n - 1n,
    -(2n ** 63n),
    2n ** 64n,
    -(2n ** 200n) + 12345n,
    '',
    'hello',
    'é',
    'ünïcödé and more text that is longer than thirty-two characters 🎉',
    '🎉',
    'x'.repeat(10_000),
    '\uFEFFbom first',
  ])('%s', (value) => {
    expect(roundTrip(value)).toBe(value);
    expect(roundTripShared(value)).toBe(value);
  });

  it('keeps -0 and NaN', () => {
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
    expect(roundTrip(NaN)).toBeNaN();
  });

  it('encodes small values compactly', () => {
    expect(encode(42).length).toBe(5);
    expect(encode(0.5).length).toBe(9);
    expect(encode(true).length).toBe(1);
    expect(encode('ab').length).toBe(7);
  });

  it('replaces lone surrogates as UTF-8 does', () => {
    expect(roundTrip('a\uD800b')).toBe('a\uFFFDb');
    expect(roundTrip('a\uD800b'.repeat(20))).toBe('a\uFFFDb'.repeat(20));
  });

  it('boxed primitives', () => {
    const values = roundTrip([Object(true), Object(3.5), Object('s'), Object(7n)]) as object[];
    expect(values[0]).toBeInstanceOf(Boolean);
    expect(values.map((v) => v.valueOf())).toEqual([true, 3.5, 's', 7n]);
    expect(values[2]).toBeInstanceOf(String);
  });
});

describe('codec: objects', () => {
  it('plain objects, arrays, nesting', () => {
    const value = { a: 1, b: 'two', c: [1, 2, { d: null }], e: { f: undefined }, 'weird key': true, 3: 'x' };
    const copy = roundTrip(value);
    expect(copy).toEqual(value);
    expect(copy).not.toBe(value);
    expect(Object.keys(copy)).toEqual(Object.keys(value));
    expect('f' in copy.e).toBe(true);
  });

  it('keeps array holes', () => {
    const copy = roundTrip([1, , 3]);
    expect(copy.length).toBe(3);
    expect(1 in copy).toBe(false);
    const sparse: number[] = [];
    sparse[5] = 1;
    expect(roundTrip(sparse)).toEqual(sparse);
  });

  it('a __proto__ key stays an own property', () => {
    const value = JSON.parse('{"__proto__": {"x": 1}, "y": 2}');
    const copy = roundTrip(value);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'y']);
  });

  it('null-prototype objects and class instances become plain objects of own enumerable props', () => {
    class Point {
      secret = 1;
      constructor(public x: number, public y: number) {}
      get norm(): number {
        return Math.hypot(this.x, this.y);
      }
    }
    const copy = roundTrip(new Point(3, 4));
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(copy).toEqual({ secret: 1, x: 3, y: 4 });
    const bare = Object.assign(Object.create(null), { a: 1 });
    expect(roundTrip(bare)).toEqual({ a: 1 });
  });

  it('Date, RegExp, Map, Set', () => {
    const date = new Date(1_700_000_000_123);
    expect(roundTrip(date)).toEqual(date);
    expect(roundTrip(new Date(NaN)).getTime()).toBeNaN();
    const re = roundTrip(/a+b/giu);
    expect(re).toBeInstanceOf(RegExp);
    expect([re.source, re.flags]).toEqual(['a+b', 'giu']);
    const map = new Map<unknown, unknown>([
      ['a', 1],
      [{ k: 1 }, [2]],
      [3n, new Set([1, 'x'])],
    ]);
    expect(roundTrip(map)).toEqual(map);
    expect(roundTrip(new Set([1, 'a', null]))).toEqual(new Set([1, 'a', null]));
  });

  it('ArrayBuffer, every TypedArray, DataView', () => {
    const buffer = new Uint8Array([1, 2, 3, 250]).buffer;
    const copy = roundTrip(buffer);
    expect(copy).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(copy)]).toEqual([1, 2, 3, 250]);
    const views = [
      new Int8Array([-1, 2]),
      new Uint8Array([255, 1]),
      new Uint8ClampedArray([255, 0]),
      new Int16Array([-300, 300]),
      new Uint16Array([65535]),
      new Int32Array([-(2 ** 31), 5]),
      new Uint32Array([2 ** 32 - 1]),
      new Float32Array([1.5, -0.25]),
      new Float64Array([Math.PI, NaN]),
      new BigInt64Array([-5n, 2n ** 62n]),
      new BigUint64Array([2n ** 64n - 1n]),
    ];
    for (const view of views) {
      const back = roundTrip(view);
      expect(back.constructor).toBe(view.constructor);
      expect(back).toEqual(view);
      expect(roundTripShared(view)).toEqual(view);
    }
    const dv = new DataView(new ArrayBuffer(16), 4, 8);
    dv.setFloat64(0, 2.5);
    const dvCopy = roundTrip(dv);
    expect(dvCopy).toBeInstanceOf(DataView);
    expect([dvCopy.byteOffset, dvCopy.byteLength, dvCopy.getFloat64(0)]).toEqual([4, 8, 2.5]);
  });

  it('views of one buffer still share a buffer; offsets are kept', () => {
    const buffer = new ArrayBuffer(8);
    const a = new Uint8Array(buffer, 0, 4);
    const b = new Uint16Array(buffer, 4, 2);
    const [a2, b2, buf2] = roundTrip([a, b, buffer]);
    expect(a2.buffer).toBe(b2.buffer);
    expect(buf2).toBe(a2.buffer);
    expect([b2.byteOffset, b2.length]).toEqual([4, 2]);
    a2[0] = 9;
    expect(new Uint8Array(buf2)[0]).toBe(9);
  });

  it('Node Buffers arrive as Uint8Arrays with the same bytes', () => {
    const copy = roundTrip(Buffer.from('hi'));
    expect(copy.constructor).toBe(Uint8Array);
    expect(new TextDecoder().decode(copy)).toBe('hi');
  });

  it('views of a SharedArrayBuffer are copied into private memory', () => {
    const sab = new SharedArrayBuffer(16);
    const view = new Int32Array(sab, 4, 2);
    view.set([7, 8]);
    const copy = roundTrip(view);
    expect(copy.buffer).toBeInstanceOf(ArrayBuffer);
    expect([...copy]).toEqual([7, 8]);
    copy[0] = 1;
    expect(view[0]).toBe(7);
  });

  it('decoded values keep no view into the source bytes', () => {
    const bytes = encode({ s: 'x'.repeat(100), b: new Uint8Array([1, 2, 3]).buffer });
    const copy = decode(bytes) as { s: string; b: ArrayBuffer };
    bytes.fill(0);
    expect(copy.s).toBe('x'.repeat(100));
    expect([...new Uint8Array(copy.b)]).toEqual([1, 2, 3]);
  });
});

describe('codec: graphs', () => {
  it('cycles and repeated references keep the graph', () => {
    const shared = { n: 1 };
    const node: Record<string, unknown> = { shared, again: shared, list: [shared] };
    node.self = node;
    const copy = roundTrip(node) as typeof node & { shared: object; list: object[] };
    expect(copy.self).toBe(copy);
    expect(copy.again).toBe(copy.shared);
    expect(copy.list[0]).toBe(copy.shared);
  });

  it('cycles through Map, Set and arrays', () => {
    const map = new Map<string, unknown>();
    const set = new Set<unknown>();
    const array: unknown[] = [map, set];
    map.set('array', array).set('map', map);
    set.add(set).add(array);
    const copy = roundTrip(array) as [Map<string, unknown>, Set<unknown>];
    expect(copy[0].get('array')).toBe(copy);
    expect(copy[0].get('map')).toBe(copy[0]);
    expect(copy[1].has(copy[1])).toBe(true);
    expect(copy[1].has(copy)).toBe(true);
  });
});

describe('codec: errors', () => {
  it('built-in classes with message, stack, cause and own props', () => {
    for (const cls of [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError]) {
      const error = new cls('boom', { cause: { code: 7 } });
      (error as Error & { extra: unknown }).extra = [1];
      const copy = roundTrip(error) as Error & { extra: unknown };
      expect(copy).toBeInstanceOf(cls);
      expect(copy.constructor).toBe(cls);
      expect(copy.message).toBe('boom');
      expect(copy.stack).toBe(error.stack);
      expect(copy.cause).toEqual({ code: 7 });
      expect(copy.extra).toEqual([1]);
      expect(Object.keys(copy)).toEqual(['extra']);
    }
  });

  it('error causes chain, and a cycle through the cause', () => {
    const inner = new RangeError('inner');
    const outer = new Error('outer', { cause: inner });
    const copy = roundTrip(outer);
    expect(copy.cause).toBeInstanceOf(RangeError);
    expect((copy.cause as Error).message).toBe('inner');
    const loop = new Error('loop');
    loop.cause = loop;
    const loopCopy = roundTrip(loop);
    expect(loopCopy.cause).toBe(loopCopy);
  });

  it('no cause stays no cause; no message stays empty', () => {
    const copy = roundTrip(new Error());
    expect('cause' in copy).toBe(false);
    expect(copy.message).toBe('');
    expect(Object.hasOwn(copy, 'message')).toBe(false);
  });

  it('AggregateError keeps its errors', () => {
    const copy = roundTrip(new AggregateError([new TypeError('a'), 'b'], 'many'));
    expect(copy).toBeInstanceOf(AggregateError);
    expect(copy.message).toBe('many');
    expect(copy.errors[0]).toBeInstanceOf(TypeError);
    expect(copy.errors[1]).toBe('b');
  });

  it("threadkit's error classes are pre-registered", () => {
    for (const error of [new RuntimeError('release unlocked lock'), new Empty(), new BrokenThreadPool('gone')]) {
      const copy = roundTrip(error);
      expect(copy.constructor).toBe(error.constructor);
      expect(copy.name).toBe(error.name);
      expect(copy.message).toBe(error.message);
      expect(copy.stack).toBe(error.stack);
    }
    expect(roundTrip(new BrokenThreadPool('x'))).toBeInstanceOf(RuntimeError);
  });

  it('an unknown class arrives as Error with its name; a subclass of a known one as that one', () => {
    class ValueError extends Error {
      override name = 'ValueError';
      code = 3;
    }
    const copy = roundTrip(new ValueError('bad'));
    expect(copy.constructor).toBe(Error);
    expect(copy.name).toBe('ValueError');
    expect(String(copy)).toBe('ValueError: bad');
    expect((copy as unknown as { code: number }).code).toBe(3);
    class MyRange extends RangeError {
      override name = 'MyRange';
    }
    const range = roundTrip(new MyRange('r'));
    expect(range.constructor).toBe(RangeError);
    expect(range.name).toBe('MyRange');
  });

  it('registerErrorClass rebuilds a user class', () => {
    class QuotaError extends Error {
      override name = 'QuotaError';
    }
    registerErrorClass(QuotaError);
    registerErrorClass(QuotaError);
    const copy = roundTrip(new QuotaError('over'));
    expect(copy).toBeInstanceOf(QuotaError);
    expect(copy.message).toBe('over');
    class Other extends Error {}
    expect(() => registerErrorClass(Other, 'QuotaError')).toThrow(TypeError);
  });
});

describe('codec: uncloneable values', () => {
  it('names the path and the kind', () => {
    expect(copyError([1, { cb: () => 0 }], 'args')).toBe('cannot copy args[1].cb to another thread: function');
    expect(copyError(Symbol('s'))).toBe('cannot copy value to another thread: symbol');
    expect(copyError({ args: [0, Symbol()] }, '')).toBe('cannot copy args[1] to another thread: symbol');
    expect(copyError({ 'a b': new WeakMap() })).toBe('cannot copy value["a b"] to another thread: WeakMap');
    expect(copyError({ p: Promise.resolve() })).toBe('cannot copy value.p to another thread: Promise');
    expect(copyError(new Map([['k', () => 0]]))).toBe('cannot copy value.get("k") to another thread: function');
    expect(copyError(new Map([[() => 0, 1]]))).toBe('cannot copy value.keys()[0] to another thread: function');
    expect(copyError(new Set([1, new WeakSet()]))).toBe('cannot copy value.values()[1] to another thread: WeakSet');
    expect(copyError(new Error('x', { cause: () => 0 }))).toBe('cannot copy value.cause to another thread: function');
    expect(copyError({ s: new SharedArrayBuffer(4) })).toMatch(/^cannot copy value\.s to another thread: SharedArrayBuffer/);
    expect(copyError([(function* () {})()])).toBe('cannot copy value[0] to another thread: Generator');
  });

  it('the encoder is usable again after a failure', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => encode([cyclic, () => 0])).toThrow(TypeError);
    expect(roundTrip({ a: [1, 2] })).toEqual({ a: [1, 2] });
  });
});

describe('codec: shared objects', () => {
  registerKind('test.fake', (address) => ({ revivedAt: address }));

  it('travel as handles and revive as the same object per thread', () => {
    const original = adopt({ local: 'state' }, 'test.fake', 4096);
    const bytes = encode({ a: original, b: original });
    const copy = decode(bytes) as { a: object; b: object };
    expect(copy.a).toBe(original);
    expect(copy.b).toBe(original);
  });

  it('an address this thread has not seen is revived once, then reused', () => {
    // What another thread sends: a handle this thread has no object for yet.
    const first = reviveHandle('test.fake', 8192);
    expect(first).toEqual({ revivedAt: 8192 });
    expect(reviveHandle('test.fake', 8192)).toBe(first);
    expect(decode(encode([first, first]))).toEqual([first, first]);
    expect(decode(encode(first))).toBe(first);
  });

  it('an unknown kind is a TypeError', () => {
    expect(() => reviveHandle('test.nope', 64)).toThrow(TypeError);
  });
});

describe('codec: re-entrancy and large values', () => {
  it('a getter that encodes during encoding does not corrupt the outer value', () => {
    const value = {
      get inner() {
        return decode(encode({ nested: [1, 2, 3] }));
      },
      after: 'x'.repeat(50),
    };
    expect(roundTrip(value)).toEqual({ inner: { nested: [1, 2, 3] }, after: 'x'.repeat(50) });
  });

  it('grows the scratch buffer for large values', () => {
    const big = Array.from({ length: 20_000 }, (_, i) => ({ i, s: `item ${i}` }));
    expect(roundTrip(big)).toEqual(big);
    expect(roundTrip(new Uint8Array(3_000_000)).length).toBe(3_000_000);
  });
});
