/**
 * The codec's decoder: bytes in the format of `tags.ts` → a fresh value. The bytes may be a
 * view of the shared heap; nothing decoded keeps a view into them (strings and buffers are
 * copied out), so the block can be freed or reused right after. Shared objects are revived
 * with `reviveHandle`: the same JS object every time in a thread.
 */
import { reviveHandle } from '../handle';
import { errorClass } from './error-classes';
import { DATA_VIEW, ErrorFlag, Tag, VIEW_TYPES, viewConstructor } from './tags';

/** `ignoreBOM`: a string that starts with U+FEFF keeps it. */
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const SAB: typeof SharedArrayBuffer | undefined = typeof SharedArrayBuffer === 'function' ? SharedArrayBuffer : undefined;
/** Strings up to this many bytes are decoded inline when ASCII (cheaper than a TextDecoder call). */
const SHORT_STRING = 32;
const EMPTY = new Uint8Array(0);
/** 8 bytes seen as float64 and (u)int64, to read those without a DataView over the source. */
const scratch = new Uint8Array(8);
const scratchF64 = new Float64Array(scratch.buffer);
const scratchI64 = new BigInt64Array(scratch.buffer);
const scratchU64 = new BigUint64Array(scratch.buffer);

function corrupt(at: number): Error {
  return new Error(`threadkit: corrupt encoded value (at byte ${at})`);
}

/** Defines a non-enumerable own data property, as the built-in error properties are. */
function defineHidden(object: object, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, writable: true, configurable: true, enumerable: false });
}

/** Defines an own enumerable data property without running setters (`__proto__` included). */
function defineField(object: object, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, writable: true, configurable: true, enumerable: true });
}

/** A decoder. Use {@link acquireReader}; {@link Reader.read} releases it. */
export class Reader {
  /** True while a call uses this reader. */
  busy = false;
  private bytes: Uint8Array = EMPTY;
  private pos = 0;
  private end = 0;
  /**
   * Whether `bytes` is shared memory (TextDecoder may refuse views of it, so strings are copied
   * first): undefined until a string needs to know (reading `.buffer` of a small typed array is costly).
   */
  private shared: boolean | undefined;
  /** Objects in encounter order, for Ref items. */
  private readonly objects: unknown[] = [];

  /** Decodes the value in `bytes[start, end)`. Releases the reader. */
  read(bytes: Uint8Array, start: number, end: number): unknown {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
    this.shared = undefined;
    try {
      const value = this.item();
      if (this.pos !== end) throw corrupt(this.pos);
      return value;
    } finally {
      if (this.objects.length > 0) this.objects.length = 0;
      this.bytes = EMPTY;
      this.busy = false;
    }
  }

  private byte(): number {
    if (this.pos >= this.end) throw corrupt(this.pos);
    return this.bytes[this.pos++];
  }

  private i32(): number {
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 4;
    return b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24);
  }

  private u32(): number {
    return this.i32() >>> 0;
  }

  /** Copies the next 8 bytes into `scratch` (read as little-endian: every engine this runs on is). */
  private load8(): void {
    const start = this.skip(8);
    for (let i = 0; i < 8; i++) scratch[i] = this.bytes[start + i];
  }

  private f64(): number {
    this.load8();
    return scratchF64[0];
  }

  /** Skips `count` bytes; returns where they start. */
  private skip(count: number): number {
    const start = this.pos;
    if (start + count > this.end) throw corrupt(start);
    this.pos = start + count;
    return start;
  }

  /** A private copy of the next `count` bytes. */
  private copy(count: number): ArrayBuffer {
    const start = this.skip(count);
    return this.bytes.slice(start, start + count).buffer;
  }

  private item(): unknown {
    const at = this.pos;
    switch (this.byte()) {
      case Tag.Undefined:
        return undefined;
      case Tag.Null:
        return null;
      case Tag.True:
        return true;
      case Tag.False:
        return false;
      case Tag.Int32:
        return this.i32();
      case Tag.Float64:
        return this.f64();
      case Tag.BigInt64:
        this.load8();
        return scratchI64[0];
      case Tag.BigInt:
        return this.bigint();
      case Tag.String:
        return this.string();
      case Tag.Date:
        return this.keep(new Date(this.f64()));
      case Tag.RegExp: {
        const source = this.string();
        return this.keep(new RegExp(source, this.string()));
      }
      case Tag.Array:
        return this.array();
      case Tag.Object:
        return this.fields(this.keep({}));
      case Tag.Map: {
        const map = this.keep(new Map<unknown, unknown>());
        for (let count = this.u32(); count > 0; count--) {
          const key = this.item();
          map.set(key, this.item());
        }
        return map;
      }
      case Tag.Set: {
        const set = this.keep(new Set<unknown>());
        for (let count = this.u32(); count > 0; count--) set.add(this.item());
        return set;
      }
      case Tag.ArrayBuffer:
        return this.keep(this.copy(this.u32()));
      case Tag.View:
        return this.arrayView();
      case Tag.ViewCopy: {
        const type = this.byte();
        const buffer = this.copy(this.u32());
        const perElement = type === DATA_VIEW ? 1 : (this.viewClass(type) as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
        return this.keep(new (this.viewClass(type))(buffer, 0, buffer.byteLength / perElement));
      }
      case Tag.Boxed:
        return this.keep(Object(this.item()));
      case Tag.Error:
        return this.error();
      case Tag.Ref: {
        const index = this.u32();
        if (index >= this.objects.length) throw corrupt(at);
        return this.objects[index];
      }
      case Tag.Handle: {
        const kind = this.string();
        return reviveHandle(kind, this.u32());
      }
      default:
        throw corrupt(at);
    }
  }

  /** Records a new object (its index is its order of appearance, as in the writer). */
  private keep<T>(object: T): T {
    this.objects.push(object);
    return object;
  }

  private bigint(): bigint {
    const negative = this.byte() === 1;
    let value = 0n;
    for (let words = this.u32(), shift = 0n; words > 0; words--, shift += 64n) {
      this.load8();
      value |= scratchU64[0] << shift;
    }
    return negative ? -value : value;
  }

  private string(): string {
    const length = this.u32();
    const start = this.skip(length);
    const end = start + length;
    if (length <= SHORT_STRING) {
      let text = '';
      let i = start;
      for (; i < end; i++) {
        const c = this.bytes[i];
        if (c >= 0x80) break;
        text += String.fromCharCode(c);
      }
      if (i === end) return text;
    }
    this.shared ??= SAB !== undefined && this.bytes.buffer instanceof SAB;
    return decoder.decode(this.shared ? this.bytes.slice(start, end) : this.bytes.subarray(start, end));
  }

  private array(): unknown[] {
    const length = this.u32();
    const array = this.keep([] as unknown[]);
    for (let i = 0; i < length; i++) {
      if (this.bytes[this.pos] === Tag.Hole) {
        this.pos++;
        continue;
      }
      array[i] = this.item();
    }
    array.length = length;
    return array;
  }

  private fields<T extends object>(object: T): T {
    for (let count = this.u32(); count > 0; count--) {
      const key = this.string();
      const value = this.item();
      if (key === '__proto__') defineField(object, key, value);
      else (object as Record<string, unknown>)[key] = value;
    }
    return object;
  }

  private viewClass(type: number): new (buffer: ArrayBuffer, byteOffset: number, length: number) => ArrayBufferView {
    const cls = viewConstructor(type);
    if (cls === undefined) throw new TypeError(`threadkit: cannot rebuild a ${VIEW_TYPES[type] ?? 'view'} in this runtime`);
    return cls;
  }

  private arrayView(): ArrayBufferView {
    const type = this.byte();
    // The view's index comes before its buffer's: hold the slot while the buffer is read.
    const slot = this.objects.push(undefined) - 1;
    const buffer = this.item() as ArrayBuffer;
    const byteOffset = this.u32();
    const view = new (this.viewClass(type))(buffer, byteOffset, this.u32());
    this.objects[slot] = view;
    return view;
  }

  private error(): Error {
    const cls = errorClass(this.string());
    const name = this.string();
    const message = this.string();
    const text = message === '' ? undefined : message;
    let error: Error;
    try {
      error = cls === AggregateError ? new AggregateError([], text) : new cls(text);
    } catch {
      // A registered class whose constructor refuses `(message)`: build it without running it.
      error = Object.create(cls.prototype) as Error;
      if (text !== undefined) defineHidden(error, 'message', text);
    }
    this.keep(error);
    if (error.name !== name) defineHidden(error, 'name', name);
    const flags = this.byte();
    if (flags & ErrorFlag.Stack) defineHidden(error, 'stack', this.string());
    else delete error.stack;
    if (flags & ErrorFlag.Cause) defineHidden(error, 'cause', this.item());
    if (flags & ErrorFlag.Errors) defineHidden(error, 'errors', this.item());
    for (let count = this.u32(); count > 0; count--) {
      const key = this.string();
      defineField(error, key, this.item());
    }
    return error;
  }
}

const sharedReader = new Reader();

/** This thread's reader, or a fresh one when it is in use (a reviver that decodes, say). */
export function acquireReader(): Reader {
  const reader = sharedReader.busy ? new Reader() : sharedReader;
  reader.busy = true;
  return reader;
}

/**
 * Decodes bytes made by `encode` into a fresh value. `bytes` may be a view of the shared heap:
 * the result keeps no view into it.
 */
export function decode(bytes: Uint8Array): unknown {
  return acquireReader().read(bytes, 0, bytes.length);
}
