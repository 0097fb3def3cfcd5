/**
 * PriorityQueue's ordering: CPython's `heapq` (same sift algorithm, so items with equal
 * priority come out in the same order as in Python) over entries in the shared heap or, while
 * the queue is local, in a JS array ({@link HeapSlots}), with Python's `<` translated to JS
 * values by {@link pyLess}. A local heap moves to the shared one entry by entry, index by index,
 * so the order of later pops is the same as if it had been shared all along.
 *
 * Heap entry (16 bytes): u32 item address, u32 key tag, f64 key. The key lets most
 * comparisons skip decoding: tag NUMBER means the item is a number (the key is the item),
 * tag FIRST_NUMBER means the item is an array whose first element is a number (the key is that
 * element, as in `[priority, data]`). Two NUMBER entries compare by key alone; two FIRST_NUMBER
 * entries with different keys too. Every other comparison (ties, strings, mixed shapes) decodes
 * both items (`loadValue`, or a local item's bytes) and applies {@link pyLess}; the decoded
 * values are cached for the rest of that push or pop. Pushes and pops first compute where
 * everything goes and only then move entries, so a TypeError from an incomparable pair leaves
 * the heap unchanged (CPython's heapq leaves it half-updated).
 */
import { loadValue } from '../codec';
import { backend } from '../runtime';

/** Bytes per heap entry. */
export const ENTRY_BYTES = 16;

/** Byte offsets inside a heap entry (plain accesses: entries move only under the queue's lock). */
export const EntryField = { item: 0, tag: 4, key: 8 } as const;

const Tag = { OTHER: 0, NUMBER: 1, FIRST_NUMBER: 2 } as const;

/** A heap entry held in JS while sifting: its fields and, once known, its decoded item. */
export interface Entry<I = number> {
  /** The item: a stored value's address (shared) or a held value (local). */
  readonly item: I;
  readonly tag: number;
  readonly key: number;
  value?: unknown;
  decoded: boolean;
}

/** The entry for a new item whose value is already at hand. */
export function priorityEntry<I>(item: I, value: unknown): Entry<I> {
  if (typeof value === 'number') return { item, tag: Tag.NUMBER, key: value, value, decoded: true };
  if (Array.isArray(value) && typeof value[0] === 'number') {
    return { item, tag: Tag.FIRST_NUMBER, key: value[0], value, decoded: true };
  }
  return { item, tag: Tag.OTHER, key: 0, value, decoded: true };
}

/** Where a heap's entries live: a slot array in the shared heap, or a local queue's array. */
export interface HeapSlots<I> {
  /** The entry at `index`, not yet decoded. */
  read(index: number): Entry<I>;
  /** Stores `entry`'s fields at `index`. */
  write(index: number, entry: Entry<I>): void;
  /** A fresh copy of an item's value. */
  decode(item: I): unknown;
}

/** A shared queue's heap: `ENTRY_BYTES` per entry from `slots`. */
export class SharedSlots implements HeapSlots<number> {
  constructor(private readonly slots: number) {}

  read(index: number): Entry {
    const heap = backend().heap;
    const at = this.slots + index * ENTRY_BYTES;
    const item = heap.u32[(at + EntryField.item) >> 2]!;
    return { item, tag: heap.u32[(at + EntryField.tag) >> 2]!, key: heap.f64[(at + EntryField.key) >> 3]!, decoded: false };
  }

  write(index: number, entry: Entry): void {
    const heap = backend().heap;
    const at = this.slots + index * ENTRY_BYTES;
    heap.u32[(at + EntryField.item) >> 2] = entry.item;
    heap.u32[(at + EntryField.tag) >> 2] = entry.tag;
    heap.f64[(at + EntryField.key) >> 3] = entry.key;
  }

  decode(item: number): unknown {
    return loadValue(item);
  }
}

function valueOf<I>(slots: HeapSlots<I>, entry: Entry<I>): unknown {
  if (!entry.decoded) {
    entry.value = slots.decode(entry.item);
    entry.decoded = true;
  }
  return entry.value;
}

/** `a < b` between two entries: by key when that decides it, else by decoded value. */
function entryLess<I>(slots: HeapSlots<I>, a: Entry<I>, b: Entry<I>): boolean {
  if (a.tag === Tag.NUMBER && b.tag === Tag.NUMBER) return a.key < b.key;
  if (a.tag === Tag.FIRST_NUMBER && b.tag === Tag.FIRST_NUMBER) {
    if (a.key < b.key) return true;
    if (b.key < a.key) return false;
  }
  return pyLess(valueOf(slots, a), valueOf(slots, b));
}

/** `heapq.heappush` on the `size` entries of `slots` (room for one more is ensured by the caller). */
export function heapPush<I>(slots: HeapSlots<I>, size: number, entry: Entry<I>): void {
  const parents: Entry<I>[] = [];
  let pos = size;
  while (pos > 0) {
    const parentPos = (pos - 1) >> 1;
    const parent = slots.read(parentPos);
    if (!entryLess(slots, entry, parent)) break;
    parents.push(parent);
    pos = parentPos;
  }
  let hole = size;
  for (const parent of parents) {
    slots.write(hole, parent);
    hole = (hole - 1) >> 1;
  }
  slots.write(pos, entry);
}

/** `heapq.heappop` on the `size` (> 0) entries of `slots`; returns the popped item. */
export function heapPop<I>(slots: HeapSlots<I>, size: number): I {
  const top = slots.read(0);
  const end = size - 1;
  if (end === 0) return top.item;
  const last = slots.read(end);
  // _siftup: walk the smaller child down to a leaf (comparisons between existing entries only).
  const path: number[] = [0];
  const moved: Entry<I>[] = [];
  let child = 1;
  while (child < end) {
    const right = child + 1;
    let chosen = slots.read(child);
    if (right < end) {
      const other = slots.read(right);
      if (!entryLess(slots, chosen, other)) {
        child = right;
        chosen = other;
      }
    }
    path.push(child);
    moved.push(chosen);
    child = 2 * child + 1;
  }
  // _siftdown: the last entry climbs back from the leaf while it is smaller than what moved up.
  let stop = moved.length;
  while (stop > 0 && entryLess(slots, last, moved[stop - 1]!)) stop--;
  for (let i = 0; i < stop; i++) slots.write(path[i]!, moved[i]!);
  slots.write(path[stop]!, last);
  return top.item;
}

function isNumeric(value: unknown): value is number | bigint | boolean {
  const type = typeof value;
  return type === 'number' || type === 'bigint' || type === 'boolean';
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'Array';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'Object';
  return typeof value;
}

/** Orders strings by code point, as Python does (JS `<` compares UTF-16 code units). */
function stringLess(a: string, b: string): boolean {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (0xD800-0xDFFF) encode code points above 0xFFFF: move them above 0xE000-0xFFFF.
    if (x >= 0xd800) x += x >= 0xe000 ? -0x800 : 0x2000;
    if (y >= 0xd800) y += y >= 0xe000 ? -0x800 : 0x2000;
    return x < y;
  }
  return a.length < b.length;
}

/**
 * Python's `==` between decoded items: numbers/bigints/booleans by value, strings by content,
 * arrays and plain objects element by element, Dates by time, anything else by identity
 * (shared objects revive as the same object, so two references to one queue are equal).
 */
export function pyEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isNumeric(a) && isNumeric(b)) return a == b || (a !== a && b !== b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!pyEqual(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && pyEqual(a[key], b[key]));
  }
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Python's `<` between decoded items: numbers, bigints and booleans with each other; strings
 * by code point; arrays lexicographically like tuples (the first unequal elements decide, else
 * the shorter is smaller). Anything else throws TypeError with Python's wording:
 * `'<' not supported between instances of 'Object' and 'Object'`.
 */
export function pyLess(a: unknown, b: unknown): boolean {
  if (isNumeric(a) && isNumeric(b)) return a < b;
  if (typeof a === 'string' && typeof b === 'string') return stringLess(a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    const length = Math.min(a.length, b.length);
    for (let i = 0; i < length; i++) if (!pyEqual(a[i], b[i])) return pyLess(a[i], b[i]);
    return a.length < b.length;
  }
  throw new TypeError(`'<' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}
