/**
 * Values in the shared heap. A small integer, a boolean, `null` or `undefined` is stored as an
 * immediate word, no block at all (`immediate.ts`); any other stored value is one heap block:
 *
 *   0      u32  byte length n of the encoding
 *   4      u32  number k of reference-counted shared objects it names
 *   8      n    the encoded value (see `tags.ts`)
 *   8+n'   k × (u32 kind id, u32 address), n' = n rounded up to 4
 *
 * Its address can be published to other threads (through an Atomics store or a shared
 * object's block); any thread decodes it with {@link loadValue}. The block belongs to whoever
 * frees it with {@link freeValue}. While it exists it holds a reference on every
 * reference-counted object (a Future) it names, so the object outlives its sender's view
 * until the receiver has revived its own.
 *
 * A {@link HeldValue} is the same encoding kept in the creating thread's own memory (an object
 * that is still local keeps its values so), holding the same references; {@link storeHeld}
 * moves it into a block when the object is shared.
 */
import { releaseCounted, retainCounted } from '../handle';
import { backend } from '../runtime';
import { acquireReader } from './reader';
import { acquireWriter } from './writer';
import { immediateOf, immediateValue, isImmediate } from './immediate';

const HEADER = 8;

/**
 * Copies `value` into a new heap block and returns its address (for a small integer, boolean,
 * `null` or `undefined`, the immediate word that stands for it: see `immediate.ts`). Throws the codec's TypeError
 * for what cannot cross threads (`what` names the value in it, as in `encode`), and
 * RangeError('out of shared memory') when the heap is full.
 */
export function storeValue(value: unknown, what = 'value'): number {
  const immediate = immediateOf(value);
  if (immediate !== 0) return immediate;
  const writer = acquireWriter();
  try {
    writer.write(value, what);
    const address = storeBytes(writer.bytes, writer.pos, writer.counted);
    for (let i = 0; i < writer.counted.length; i += 2) retainCounted(writer.counted[i]!, writer.counted[i + 1]!);
    return address;
  } finally {
    writer.release();
  }
}

/** Writes a stored value's block from its encoding and its (already taken) references. */
function storeBytes(bytes: Uint8Array, length: number, counted: readonly number[]): number {
  const refsAt = HEADER + ((length + 3) & ~3);
  const b = backend();
  const address = b.alloc(counted.length === 0 ? HEADER + length : refsAt + counted.length * 4);
  const u32 = b.heap.u32;
  u32[address >> 2] = length;
  u32[(address >> 2) + 1] = counted.length >> 1;
  b.heap.u8.set(bytes.subarray(0, length), address + HEADER);
  for (let i = 0; i < counted.length; i++) u32[((address + refsAt) >> 2) + i] = counted[i]!;
  return address;
}

function releaseAll(counted: readonly number[]): void {
  for (let i = 0; i < counted.length; i += 2) releaseCounted(counted[i]!, counted[i + 1]!);
}

/**
 * A value encoded in this thread's own memory exactly as {@link storeValue} would store it
 * (same bytes, same errors), for an object that keeps values before it is shared (a local
 * queue's items). Like a stored value it holds a reference on every reference-counted shared
 * object it names, until {@link dropHeld} or until {@link storeHeld} moves it to the heap.
 *
 * Compact, since a local queue may hold millions: the bytes alone when it names no counted
 * object, else with the (kind id, address) pairs it names; encodings up to {@link SHORT_HELD}
 * bytes are kept as a string of one char per byte (a few dozen bytes of JS heap, where a
 * Uint8Array with its ArrayBuffer costs a few hundred).
 */
export type HeldValue = HeldBytes | { readonly bytes: HeldBytes; readonly counted: readonly number[] };

/** An encoding: a string of char codes 0-255, or the bytes. */
type HeldBytes = string | Uint8Array;

/** Encodings up to this many bytes are held as strings. */
const SHORT_HELD = 64;

/** Scratch that a string encoding is unpacked into, to decode or store it. */
const scratch = new Uint8Array(SHORT_HELD);
let scratchBusy = false;

function bytesOf(held: HeldValue): HeldBytes {
  return typeof held === 'string' || held instanceof Uint8Array ? held : held.bytes;
}

/** Writes a string encoding's bytes into `into` and returns it. */
function unpack(bytes: string, into: Uint8Array): Uint8Array {
  for (let i = 0; i < bytes.length; i++) into[i] = bytes.charCodeAt(i);
  return into;
}

/** Encodes `value` into a {@link HeldValue}. Throws the codec's TypeError as `storeValue` does. */
export function holdValue(value: unknown, what = 'value'): HeldValue {
  const writer = acquireWriter();
  try {
    writer.write(value, what);
    const encoded = writer.bytes.subarray(0, writer.pos);
    const bytes =
      writer.pos <= SHORT_HELD ? String.fromCharCode.apply(null, encoded as unknown as number[]) : encoded.slice();
    if (writer.counted.length === 0) return bytes;
    const counted = writer.counted.slice();
    for (let i = 0; i < counted.length; i += 2) retainCounted(counted[i]!, counted[i + 1]!);
    return { bytes, counted };
  } finally {
    writer.release();
  }
}

/** Decodes a held value into a fresh copy (shared objects revived). Does not drop it. */
export function readHeld(held: HeldValue): unknown {
  const bytes = bytesOf(held);
  if (typeof bytes !== 'string') return acquireReader().read(bytes, 0, bytes.length);
  // A reviver that decodes a held value while this one is decoded gets a buffer of its own.
  if (scratchBusy) return acquireReader().read(unpack(bytes, new Uint8Array(bytes.length)), 0, bytes.length);
  scratchBusy = true;
  try {
    return acquireReader().read(unpack(bytes, scratch), 0, bytes.length);
  } finally {
    scratchBusy = false;
  }
}

/** Drops the references a held value holds (it is not used again). */
export function dropHeld(held: HeldValue): void {
  if (typeof held === 'object' && !(held instanceof Uint8Array)) releaseAll(held.counted);
}

/**
 * Moves a held value into a new heap block (as {@link storeValue} makes) and returns its address;
 * the block takes over the held references. Until the address is published, `backend().free`
 * (not {@link freeValue}) undoes it and leaves the references with `held`.
 */
export function storeHeld(held: HeldValue): number {
  const bytes = bytesOf(held);
  const counted = typeof held === 'object' && !(held instanceof Uint8Array) ? held.counted : NONE;
  if (typeof bytes !== 'string') return storeBytes(bytes, bytes.length, counted);
  return storeBytes(unpack(bytes, new Uint8Array(bytes.length)), bytes.length, counted);
}

const NONE: readonly number[] = Object.freeze([]);

/** Decodes the value stored at `address` into a fresh copy (shared objects revived). Does not free the block. */
export function loadValue(address: number): unknown {
  if (isImmediate(address)) return immediateValue(address);
  const heap = backend().heap;
  const start = address + HEADER;
  return acquireReader().read(heap.u8, start, start + heap.u32[address >> 2]!);
}

/**
 * {@link storeValue} for an outcome that is most often `undefined` (a task that returns
 * nothing): `undefined` is stored as no block at all, address 0, so it costs no allocation.
 */
export function storeResult(value: unknown, what?: string): number {
  return value === undefined ? 0 : storeValue(value, what);
}

/** Reads what {@link storeResult} stored (0: `undefined`). */
export function loadResult(address: number): unknown {
  return address === 0 ? undefined : loadValue(address);
}

/** Frees a block made by {@link storeValue}, dropping its references (0 or an immediate: nothing to do). */
export function freeValue(address: number): void {
  if (address === 0 || isImmediate(address)) return;
  const b = backend();
  const u32 = b.heap.u32;
  const count = u32[(address >> 2) + 1]!;
  if (count !== 0) {
    const refs = (address + HEADER + ((u32[address >> 2]! + 3) & ~3)) >> 2;
    for (let i = 0; i < count * 2; i += 2) releaseCounted(u32[refs + i]!, u32[refs + i + 1]!);
  }
  b.free(address);
}
