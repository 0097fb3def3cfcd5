/**
 * The codec's encoder: a value → bytes in the format of `tags.ts`, with structured-clone
 * semantics. One growable scratch buffer per thread is reused across calls (a re-entrant call,
 * e.g. from a getter that itself sends a value, gets a fresh one), so encoding a small value
 * allocates nothing but its result.
 *
 * Copied: primitives, Date, RegExp, Array, plain objects and class instances (own enumerable
 * string keys, as plain objects), Map, Set, ArrayBuffer, typed arrays, DataView, Error and its
 * registered subclasses, boxed primitives — with cycles and repeated references kept. Shared
 * objects travel as handles. Views of a SharedArrayBuffer are COPIED (only the view's bytes):
 * the receiver gets a private ArrayBuffer, not shared memory — share data with `SharedArray`.
 * Array properties other than indices and `length` are not copied (structured clone would).
 * Strings travel as UTF-8, so a lone surrogate arrives as U+FFFD.
 */
import { countedKindId, exportHandle, isShared } from '../handle';
import { errorClassKey } from './error-classes';
import { ErrorFlag, Tag, viewType } from './tags';
import { Step, Uncloneable, uncloneableReason } from './uncloneable';

const INITIAL_BYTES = 4096;
/** A scratch buffer that grew beyond this is dropped after use, so one huge value does not pin memory. */
const KEEP_BYTES = 1 << 20;
/** Strings up to this length are encoded inline; longer ones with TextEncoder.encodeInto. */
const SHORT_STRING = 32;

const encoder = new TextEncoder();
const SAB: typeof SharedArrayBuffer | undefined = typeof SharedArrayBuffer === 'function' ? SharedArrayBuffer : undefined;
/** Error properties encoded in their own fields, skipped among the own enumerable ones. */
const ERROR_FIELDS = new Set(['name', 'message', 'stack', 'cause', 'errors']);

/** An encoder with its scratch buffer. Use {@link acquireWriter}, then {@link Writer.release}. */
export class Writer {
  /** Scratch; the encoded value is `bytes[0, pos)` after {@link write}. */
  bytes: Uint8Array = new Uint8Array(INITIAL_BYTES);
  pos = 0;
  /** True while a call uses this writer. */
  busy = false;
  /** Reference-counted shared objects in the last encoding, as (kind id, address) pairs. */
  readonly counted: number[] = [];
  private view: DataView = new DataView(this.bytes.buffer);
  private readonly seen = new Map<object, number>();

  /** Encodes `value` into the scratch; `what` names it in error messages. */
  write(value: unknown, what: string): void {
    this.pos = 0;
    this.counted.length = 0;
    try {
      this.item(value);
    } catch (error) {
      if (error instanceof Uncloneable) throw new TypeError(`cannot copy ${error.path(what)} to another thread: ${error.what}`);
      throw error;
    } finally {
      if (this.seen.size > 0) this.seen.clear();
    }
  }

  /** Ends a use of this writer. */
  release(): void {
    this.busy = false;
    if (this.bytes.length > KEEP_BYTES) this.setScratch(new Uint8Array(INITIAL_BYTES));
  }

  private setScratch(bytes: Uint8Array): void {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer);
  }

  /** Makes room for `count` more bytes at `pos`. */
  private reserve(count: number): void {
    const needed = this.pos + count;
    if (needed <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < needed) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.bytes.subarray(0, this.pos));
    this.setScratch(bigger);
  }

  /** One byte: a tag or flags. */
  private tag(value: number): void {
    this.reserve(1);
    this.bytes[this.pos++] = value;
  }

  private u32(value: number): void {
    this.reserve(4);
    this.view.setUint32(this.pos, value, true);
    this.pos += 4;
  }

  private item(value: unknown): void {
    switch (typeof value) {
      case 'number':
        return this.number(value);
      case 'string':
        this.tag(Tag.String);
        return this.string(value);
      case 'boolean':
        return this.tag(value ? Tag.True : Tag.False);
      case 'undefined':
        return this.tag(Tag.Undefined);
      case 'bigint':
        return this.bigint(value);
      case 'object':
        return value === null ? this.tag(Tag.Null) : this.object(value);
      case 'function':
        throw this.fail('function');
      default:
        throw this.fail(typeof value);
    }
  }

  private number(value: number): void {
    this.reserve(9);
    if ((value | 0) === value && (value !== 0 || 1 / value > 0)) {
      this.bytes[this.pos] = Tag.Int32;
      this.view.setInt32(this.pos + 1, value, true);
      this.pos += 5;
    } else {
      this.bytes[this.pos] = Tag.Float64;
      this.view.setFloat64(this.pos + 1, value, true);
      this.pos += 9;
    }
  }

  private bigint(value: bigint): void {
    if (BigInt.asIntN(64, value) === value) {
      this.reserve(9);
      this.bytes[this.pos] = Tag.BigInt64;
      this.view.setBigInt64(this.pos + 1, value, true);
      this.pos += 9;
      return;
    }
    let magnitude = value < 0n ? -value : value;
    let words = 0;
    for (let rest = magnitude; rest > 0n; rest >>= 64n) words++;
    this.reserve(6 + words * 8);
    this.bytes[this.pos] = Tag.BigInt;
    this.bytes[this.pos + 1] = value < 0n ? 1 : 0;
    this.view.setUint32(this.pos + 2, words, true);
    this.pos += 6;
    for (let i = 0; i < words; i++, magnitude >>= 64n) {
      this.view.setBigUint64(this.pos, BigInt.asUintN(64, magnitude), true);
      this.pos += 8;
    }
  }

  /** A string without tag: u32 byte length + UTF-8. */
  private string(value: string): void {
    const length = value.length;
    this.reserve(4 + length * 3);
    const bytes = this.bytes;
    const start = this.pos + 4;
    let p = start;
    if (length <= SHORT_STRING) {
      for (let i = 0; i < length; i++) {
        let c = value.charCodeAt(i);
        if (c < 0x80) {
          bytes[p++] = c;
        } else if (c < 0x800) {
          bytes[p++] = 0xc0 | (c >> 6);
          bytes[p++] = 0x80 | (c & 63);
        } else {
          if (c >= 0xd800 && c <= 0xdfff) {
            const next = i + 1 < length ? value.charCodeAt(i + 1) : 0;
            if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
              // A surrogate pair: one 4-byte sequence.
              c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
              i++;
              bytes[p++] = 0xf0 | (c >> 18);
              bytes[p++] = 0x80 | ((c >> 12) & 63);
              bytes[p++] = 0x80 | ((c >> 6) & 63);
              bytes[p++] = 0x80 | (c & 63);
              continue;
            }
            c = 0xfffd; // a lone surrogate, as TextEncoder writes it
          }
          bytes[p++] = 0xe0 | (c >> 12);
          bytes[p++] = 0x80 | ((c >> 6) & 63);
          bytes[p++] = 0x80 | (c & 63);
        }
      }
    } else {
      p += encoder.encodeInto(value, bytes.subarray(start)).written;
    }
    this.view.setUint32(this.pos, p - start, true);
    this.pos = p;
  }

  private object(object: object): void {
    const index = this.seen.get(object);
    if (index !== undefined) {
      this.tag(Tag.Ref);
      return this.u32(index);
    }
    if (isShared(object)) {
      const handle = exportHandle(object);
      const id = countedKindId(handle.kind);
      if (id >= 0) this.counted.push(id, handle.address);
      this.tag(Tag.Handle);
      this.string(handle.kind);
      return this.u32(handle.address);
    }
    this.seen.set(object, this.seen.size);
    if (Array.isArray(object)) return this.array(object);
    const proto = Object.getPrototypeOf(object);
    if (proto === Object.prototype || proto === null) return this.fields(object);
    if (object instanceof Date) {
      this.tag(Tag.Date);
      this.reserve(8);
      this.view.setFloat64(this.pos, object.getTime(), true);
      this.pos += 8;
    } else if (object instanceof RegExp) {
      this.tag(Tag.RegExp);
      this.string(object.source);
      this.string(object.flags);
    } else if (object instanceof Map) {
      this.map(object);
    } else if (object instanceof Set) {
      this.set(object);
    } else if (ArrayBuffer.isView(object)) {
      this.arrayView(object);
    } else if (object instanceof ArrayBuffer) {
      this.tag(Tag.ArrayBuffer);
      this.u32(object.byteLength);
      this.reserve(object.byteLength);
      this.bytes.set(new Uint8Array(object), this.pos);
      this.pos += object.byteLength;
    } else if (object instanceof Error) {
      this.error(object);
    } else if (object instanceof Boolean || object instanceof Number || object instanceof String || object instanceof BigInt) {
      this.tag(Tag.Boxed);
      this.item(object.valueOf());
    } else {
      const reason = uncloneableReason(object);
      if (reason !== undefined) throw this.fail(reason);
      this.fields(object);
    }
  }

  private array(array: unknown[]): void {
    const length = array.length;
    this.tag(Tag.Array);
    this.u32(length);
    for (let i = 0; i < length; i++) {
      const element = array[i];
      if (element === undefined && !(i in array)) {
        this.tag(Tag.Hole);
        continue;
      }
      this.child(Step.Index, i, element);
    }
  }

  /** A plain object (or a class instance, copied as one): own enumerable string keys. */
  private fields(object: object): void {
    const keys = Object.keys(object);
    this.tag(Tag.Object);
    this.u32(keys.length);
    for (const key of keys) {
      this.string(key);
      this.child(Step.Property, key, (object as Record<string, unknown>)[key]);
    }
  }

  private map(map: Map<unknown, unknown>): void {
    this.tag(Tag.Map);
    this.u32(map.size);
    let index = 0;
    for (const [key, value] of map) {
      this.child(Step.MapKey, index++, key);
      this.child(Step.MapValue, key, value);
    }
  }

  private set(set: Set<unknown>): void {
    this.tag(Tag.Set);
    this.u32(set.size);
    let index = 0;
    for (const value of set) {
      this.child(Step.SetValue, index++, value);
    }
  }

  private arrayView(view: ArrayBufferView): void {
    const type = viewType(view);
    const buffer = view.buffer;
    if (SAB !== undefined && buffer instanceof SAB) {
      // Shared memory does not travel: copy the bytes the view sees into a private buffer.
      this.tag(Tag.ViewCopy);
      this.reserve(5 + view.byteLength);
      this.bytes[this.pos++] = type;
      this.u32(view.byteLength);
      this.bytes.set(new Uint8Array(buffer, view.byteOffset, view.byteLength), this.pos);
      this.pos += view.byteLength;
      return;
    }
    this.tag(Tag.View);
    this.reserve(1);
    this.bytes[this.pos++] = type;
    this.child(Step.Text, '.buffer', buffer);
    this.u32(view.byteOffset);
    this.u32(view instanceof DataView ? view.byteLength : (view as Uint8Array).length);
  }

  private error(error: Error): void {
    this.tag(Tag.Error);
    this.string(errorClassKey(error));
    this.string(String(error.name));
    this.string(String(error.message));
    const stack: unknown = error.stack;
    const hasCause = Object.hasOwn(error, 'cause');
    const errors: unknown = Object.hasOwn(error, 'errors') ? (error as AggregateError).errors : undefined;
    const flags =
      (typeof stack === 'string' ? ErrorFlag.Stack : 0) |
      (hasCause ? ErrorFlag.Cause : 0) |
      (Array.isArray(errors) ? ErrorFlag.Errors : 0);
    this.tag(flags);
    if (flags & ErrorFlag.Stack) this.string(stack as string);
    if (flags & ErrorFlag.Cause) {
      this.child(Step.Text, '.cause', error.cause);
    }
    if (flags & ErrorFlag.Errors) {
      this.child(Step.Text, '.errors', errors);
    }
    const countAt = this.pos;
    this.u32(0);
    let count = 0;
    for (const key of Object.keys(error)) {
      if (ERROR_FIELDS.has(key)) continue;
      this.string(key);
      this.child(Step.Property, key, (error as unknown as Record<string, unknown>)[key]);
      count++;
    }
    this.view.setUint32(countAt, count, true);
  }

  /** Writes a part of the value; an Uncloneable thrown inside learns the step that led to it. */
  private child(kind: Step, key: unknown, value: unknown): void {
    try {
      this.item(value);
    } catch (error) {
      if (error instanceof Uncloneable) error.steps.push(kind, key);
      throw error;
    }
  }

  private fail(what: string): Uncloneable {
    return new Uncloneable(what);
  }
}

const sharedWriter = new Writer();

/** This thread's writer, or a fresh one when it is in use (re-entrant encoding). Call `release()` after. */
export function acquireWriter(): Writer {
  const writer = sharedWriter.busy ? new Writer() : sharedWriter;
  writer.busy = true;
  return writer;
}

/**
 * Encodes `value` for another thread (structured-clone semantics; shared objects as handles).
 * Throws a TypeError naming the path of anything that cannot be copied — `what` names the value
 * in that message: `encode([1, f], 'args')` → `cannot copy args[1] to another thread: function`;
 * with `what = ''` the path starts at the first property (`cb`, not `value.cb`).
 */
export function encode(value: unknown, what = 'value'): Uint8Array {
  const writer = acquireWriter();
  try {
    writer.write(value, what);
    return writer.bytes.slice(0, writer.pos);
  } finally {
    writer.release();
  }
}
