/**
 * The wire codec: a value ⇄ a JSON-safe tree, for job arguments and results stored in Redis.
 * It carries what threadkit's local codec copies between threads — primitives (with `undefined`,
 * NaN, ±Infinity, -0 and BigInt), Array, plain objects and class instances (own enumerable string
 * keys, as plain objects), Date, RegExp, Map, Set, ArrayBuffer, typed arrays and DataView, Error
 * and its registered subclasses (name, message, stack, cause, `errors`, own properties), boxed
 * primitives, with repeated references and cycles kept — minus shared handles (`Lock`, `Queue`,
 * `Value`, …), which cannot leave the machine: encoding one is a TypeError naming where it is.
 *
 * Decoding only builds data: nothing read from Redis is evaluated, and an unknown tag is an error.
 *
 * Format: JSON primitives stand for themselves (finite numbers other than -0, strings, booleans,
 * null); an array is a JSON array of encoded items; everything else is a one-key object whose key
 * is the tag: `{"o": {k: v}}` object, `{"u": 0}` undefined, `{"n": "NaN"}` special number,
 * `{"b": "123"}` BigInt, `{"d": ms}` Date, `{"re": [source, flags]}`, `{"m": [[k, v], …]}` Map,
 * `{"s": [v, …]}` Set, `{"ab": base64}` ArrayBuffer, `{"v": [type, base64]}` view, `{"e": {…}}`
 * Error, `{"x": [kind, value]}` boxed primitive, `{"a": [holes…]}` sparse array, `{"r": n}` a
 * reference to the n-th container met before (depth-first, in encoding order).
 */
import { isShared } from '@threadkit/api/spi';
import { errorClass, errorClassKey } from '@threadkit/api/spi';

/** A JSON-safe encoded value. */
export type Wire = null | boolean | number | string | Wire[] | { [tag: string]: unknown };

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const VIEW_TYPES = [
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'DataView',
] as const;
const ERROR_FIELDS = new Set(['name', 'message', 'stack', 'cause', 'errors']);

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function fromBase64(text: unknown): Uint8Array {
  if (typeof text !== 'string') throw new TypeError('wire codec: bytes must be a base64 string');
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** Thrown while encoding; the path to the value is added on the way out. */
class Refused extends Error {
  readonly steps: string[] = [];
  constructor(readonly what: string) {
    super(what);
  }
}

/** The class name a repr shows (`<Lock unlocked>` → Lock), else the constructor's name. */
function shortName(value: object): string {
  const repr = /^<(\w+)/.exec(String(value))?.[1];
  if (repr !== undefined) return repr;
  return (value as { constructor?: { name?: string } }).constructor?.name || 'object';
}

class Encoder {
  private readonly seen = new Map<object, number>();

  item(value: unknown): Wire {
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return value;
      case 'number':
        if (Number.isFinite(value) && !Object.is(value, -0)) return value;
        return { n: Object.is(value, -0) ? '-0' : String(value) };
      case 'undefined':
        return { u: 0 };
      case 'bigint':
        return { b: value.toString() };
      case 'function':
        throw new Refused(`function${value.name ? ` ${value.name}` : ''}`);
      case 'symbol':
        throw new Refused('symbol');
      case 'object':
        return value === null ? null : this.object(value);
      default:
        throw new Refused(typeof value);
    }
  }

  private child(step: string, value: unknown): Wire {
    try {
      return this.item(value);
    } catch (error) {
      if (error instanceof Refused) error.steps.push(step);
      throw error;
    }
  }

  private object(value: object): Wire {
    const ref = this.seen.get(value);
    if (ref !== undefined) return { r: ref };
    if (isShared(value)) {
      throw new Refused(`a ${shortName(value)} (a shared handle lives in one machine's memory; a remote task cannot use it)`);
    }
    if (value instanceof Promise || value instanceof WeakMap || value instanceof WeakSet || value instanceof WeakRef) {
      throw new Refused(shortName(value));
    }
    if (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer) {
      throw new Refused('SharedArrayBuffer (shared memory cannot leave this machine)');
    }
    this.seen.set(value, this.seen.size);
    if (Array.isArray(value)) return this.array(value);
    if (value instanceof Date) return { d: value.getTime() };
    if (value instanceof RegExp) return { re: [value.source, value.flags] };
    if (value instanceof Map) {
      let i = 0;
      return { m: [...value].map(([k, v]) => [this.child(`.keys()[${i}]`, k), this.child(`.get(<key ${i++}>)`, v)]) };
    }
    if (value instanceof Set) {
      let i = 0;
      return { s: [...value].map((v) => this.child(`.values()[${i++}]`, v)) };
    }
    if (value instanceof ArrayBuffer) return { ab: base64(new Uint8Array(value)) };
    if (ArrayBuffer.isView(value)) {
      const type = VIEW_TYPES.find((t) => Object.prototype.toString.call(value) === `[object ${t}]`);
      if (type === undefined) throw new Refused(shortName(value));
      return { v: [type, base64(new Uint8Array(value.buffer, value.byteOffset, value.byteLength))] };
    }
    if (value instanceof Error) return this.error(value);
    if (value instanceof Number || value instanceof String || value instanceof Boolean || value instanceof BigInt) {
      const kind = value instanceof Number ? 'number' : value instanceof String ? 'string' : value instanceof Boolean ? 'boolean' : 'bigint';
      return { x: [kind, this.item(value.valueOf())] };
    }
    if (value instanceof Symbol) throw new Refused('Symbol object');
    const out: Record<string, Wire> = {};
    for (const key of Object.keys(value)) out[key] = this.child(IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`, (value as Record<string, unknown>)[key]);
    return { o: out };
  }

  private array(value: unknown[]): Wire {
    let holes = false;
    for (let i = 0; i < value.length && !holes; i++) holes = !(i in value);
    if (!holes) return value.map((v, i) => this.child(`[${i}]`, v));
    const entries: [number, Wire][] = [];
    value.forEach((v, i) => entries.push([i, this.child(`[${i}]`, v)]));
    return { a: [value.length, entries] };
  }

  private error(error: Error): Wire {
    const out: Record<string, unknown> = { k: errorClassKey(error), n: String(error.name), m: String(error.message) };
    if (typeof error.stack === 'string') out.s = error.stack;
    if (Object.hasOwn(error, 'cause')) out.c = this.child('.cause', error.cause);
    const errors: unknown = Object.hasOwn(error, 'errors') ? (error as AggregateError).errors : undefined;
    if (Array.isArray(errors)) out.es = this.child('.errors', errors);
    const props: Record<string, Wire> = {};
    for (const key of Object.keys(error)) {
      if (!ERROR_FIELDS.has(key)) props[key] = this.child(`.${key}`, (error as unknown as Record<string, unknown>)[key]);
    }
    if (Object.keys(props).length > 0) out.p = props;
    return { e: out };
  }
}

/**
 * Encodes `value` into a JSON-safe tree. Throws a TypeError naming the path of what cannot be
 * sent (`what` is the root's name): `cannot send args[0] to a remote worker: a Lock (…)`.
 */
export function toWire(value: unknown, what = 'value'): Wire {
  try {
    return new Encoder().item(value);
  } catch (error) {
    if (error instanceof Refused) throw new TypeError(`cannot send ${what}${error.steps.reverse().join('')} to a remote worker: ${error.what}`);
    throw error;
  }
}

function bad(what: string): never {
  throw new TypeError(`wire codec: malformed value (${what})`);
}

class Decoder {
  private readonly refs: unknown[] = [];

  item(wire: unknown): unknown {
    if (wire === null || typeof wire === 'string' || typeof wire === 'boolean' || typeof wire === 'number') return wire;
    if (Array.isArray(wire)) {
      const out: unknown[] = [];
      this.refs.push(out);
      for (const w of wire) out.push(this.item(w));
      return out;
    }
    if (typeof wire !== 'object') bad(typeof wire);
    const keys = Object.keys(wire);
    if (keys.length !== 1) bad('a tagged value has one key');
    const tag = keys[0]!;
    const body = (wire as Record<string, unknown>)[tag];
    switch (tag) {
      case 'u':
        return undefined;
      case 'n':
        if (body === 'NaN') return NaN;
        if (body === 'Infinity') return Infinity;
        if (body === '-Infinity') return -Infinity;
        if (body === '-0') return -0;
        return bad(`number ${String(body)}`);
      case 'b':
        if (typeof body !== 'string' || !/^-?\d+$/.test(body)) bad('bigint');
        return BigInt(body);
      case 'r':
        if (typeof body !== 'number' || !(body >= 0 && body < this.refs.length)) bad('reference');
        return this.refs[body];
      case 'o': {
        if (typeof body !== 'object' || body === null || Array.isArray(body)) bad('object');
        const out: Record<string, unknown> = {};
        this.refs.push(out);
        for (const [k, v] of Object.entries(body)) {
          Object.defineProperty(out, k, { value: this.item(v), enumerable: true, writable: true, configurable: true });
        }
        return out;
      }
      case 'a': {
        const [length, entries] = body as [number, [number, unknown][]];
        if (!Number.isInteger(length) || length < 0 || !Array.isArray(entries)) bad('sparse array');
        const out: unknown[] = new Array(length);
        this.refs.push(out);
        for (const [i, v] of entries) out[i] = this.item(v);
        return out;
      }
      case 'd': {
        const out = new Date(body as number);
        this.refs.push(out);
        return out;
      }
      case 're': {
        const [source, flags] = body as [string, string];
        const out = new RegExp(String(source), String(flags));
        this.refs.push(out);
        return out;
      }
      case 'm': {
        const out = new Map();
        this.refs.push(out);
        if (!Array.isArray(body)) bad('map');
        for (const [k, v] of body as [unknown, unknown][]) {
          const key = this.item(k);
          out.set(key, this.item(v));
        }
        return out;
      }
      case 's': {
        const out = new Set();
        this.refs.push(out);
        if (!Array.isArray(body)) bad('set');
        for (const v of body) out.add(this.item(v));
        return out;
      }
      case 'ab': {
        const bytes = fromBase64(body);
        const out = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
        this.refs.push(out);
        return out;
      }
      case 'v':
        return this.view(body);
      case 'e':
        return this.error(body);
      case 'x': {
        const [kind, inner] = body as [string, unknown];
        const primitive = this.item(inner);
        if (!['number', 'string', 'boolean', 'bigint'].includes(kind) || typeof primitive !== kind) bad('boxed primitive');
        const out = Object(primitive) as object;
        this.refs.push(out);
        return out;
      }
      default:
        return bad(`unknown tag '${tag}'`);
    }
  }

  private view(body: unknown): unknown {
    const [type, data] = body as [string, string];
    if (!(VIEW_TYPES as readonly string[]).includes(type)) bad(`view type ${String(type)}`);
    const bytes = fromBase64(data);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const ctor = (globalThis as unknown as Record<string, new (buffer: ArrayBuffer) => ArrayBufferView>)[type]!;
    const out = new ctor(buffer);
    this.refs.push(out);
    return out;
  }

  private error(body: unknown): Error {
    if (typeof body !== 'object' || body === null) bad('error');
    const { k, n, m, s, c, es, p } = body as Record<string, unknown>;
    const cls = errorClass(String(k));
    let out: Error;
    try {
      out = new cls(String(m));
    } catch {
      out = new Error(String(m));
    }
    this.refs.push(out);
    const define = (key: string, value: unknown): void => {
      Object.defineProperty(out, key, { value, writable: true, configurable: true, enumerable: false });
    };
    if (out.name !== String(n)) define('name', String(n));
    define('message', String(m));
    if (typeof s === 'string') define('stack', s);
    else delete (out as { stack?: string }).stack;
    if (c !== undefined) define('cause', this.item(c));
    if (es !== undefined) define('errors', this.item(es));
    if (p !== undefined) {
      if (typeof p !== 'object' || p === null) bad('error properties');
      for (const [key, v] of Object.entries(p)) {
        Object.defineProperty(out, key, { value: this.item(v), enumerable: true, writable: true, configurable: true });
      }
    }
    return out;
  }
}

/** Decodes a tree made by {@link toWire} (a TypeError for anything malformed; nothing is evaluated). */
export function fromWire(wire: unknown): unknown {
  return new Decoder().item(wire);
}
