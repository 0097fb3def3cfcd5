/**
 * PriorityQueue's ordering: CPython's `heapq` (same sift algorithm, so items with equal
 * priority come out in the same order as in Python) over entries in the shared heap, with
 * Python's `<` translated to JS values by {@link pyLess}.
 *
 * Heap entry (16 bytes): u32 item address, u32 key tag, f64 key. The key lets most
 * comparisons skip decoding: tag NUMBER means the item is a number (the key is the item),
 * tag FIRST_NUMBER means the item is an array whose first element is a number (the key is that
 * element, as in `[priority, data]`). Two NUMBER entries compare by key alone; two FIRST_NUMBER
 * entries with different keys too. Every other comparison (ties, strings, mixed shapes) decodes
 * both items with `loadValue` and applies {@link pyLess}; the decoded values are cached for the
 * rest of that push or pop. Pushes and pops first compute where everything goes and only then
 * move entries, so a TypeError from an incomparable pair leaves the heap unchanged (CPython's
 * heapq leaves it half-updated).
 */
import { loadValue } from '../codec';
import { backend } from '../runtime';

/** Bytes per heap entry. */
export const ENTRY_BYTES = 16;

const Tag = { OTHER: 0, NUMBER: 1, FIRST_NUMBER: 2 } as const;

/** A heap entry held in JS while sifting: its fields and, once known, its decoded item. */
export interface Entry {
  readonly item: number;
  readonly tag: number;
  readonly key: number;
  value?: unknown;
  decoded: boolean;
}

/** The entry for a new item whose value is already at hand. */
export function priorityEntry(item: number, value: unknown): Entry {
  if (typeof value === 'number') return { item, tag: Tag.NUMBER, key: value, value, decoded: true };
  if (Array.isArray(value) && typeof value[0] === 'number') {
    return { item, tag: Tag.FIRST_NUMBER, key: value[0], value, decoded: true };
  }
  return { item, tag: Tag.OTHER, key: 0, value, decoded: true };
}

function readEntry(slots: number, index: number): Entry {
  const heap = backend().heap;
  const at = slots + index * ENTRY_BYTES;
  return { item: heap.u32[at >> 2]!, tag: heap.u32[(at >> 2) + 1]!, key: heap.f64[(at + 8) >> 3]!, decoded: false };
}

function writeEntry(slots: number, index: number, entry: Entry): void {
  const heap = backend().heap;
  const at = slots + index * ENTRY_BYTES;
  heap.u32[at >> 2] = entry.item;
  heap.u32[(at >> 2) + 1] = entry.tag;
  heap.f64[(at + 8) >> 3] = entry.key;
}

function valueOf(entry: Entry): unknown {
  if (!entry.decoded) {
    entry.value = loadValue(entry.item);
    entry.decoded = true;
  }
  return entry.value;
}

/** `a < b` between two entries: by key when that decides it, else by decoded value. */
function entryLess(a: Entry, b: Entry): boolean {
  if (a.tag === Tag.NUMBER && b.tag === Tag.NUMBER) return a.key < b.key;
  if (a.tag === Tag.FIRST_NUMBER && b.tag === Tag.FIRST_NUMBER) {
    if (a.key < b.key) return true;
    if (b.key < a.key) return false;
  }
  return pyLess(valueOf(a), valueOf(b));
}

/** `heapq.heappush` on the `size` entries at `slots` (room for one more is ensured by the caller). */
export function heapPush(slots: number, size: number, entry: Entry): void {
  const parents: Entry[] = [];
  let pos = size;
  while (pos > 0) {
    const parentPos = (pos - 1) >> 1;
    const parent = readEntry(slots, parentPos);
    if (!entryLess(entry, parent)) break;
    parents.push(parent);
    pos = parentPos;
  }
  let hole = size;
  for (const parent of parents) {
    writeEntry(slots, hole, parent);
    hole = (hole - 1) >> 1;
  }
  writeEntry(slots, pos, entry);
}

/** `heapq.heappop` on the `size` (> 0) entries at `slots`; returns the popped item's address. */
export function heapPop(slots: number, size: number): number {
  const top = readEntry(slots, 0);
  const end = size - 1;
  if (end === 0) return top.item;
  const last = readEntry(slots, end);
  // _siftup: walk the smaller child down to a leaf (comparisons between existing entries only).
  const path: number[] = [0];
  const moved: Entry[] = [];
  let child = 1;
  while (child < end) {
    const right = child + 1;
    let chosen = readEntry(slots, child);
    if (right < end) {
      const other = readEntry(slots, right);
      if (!entryLess(chosen, other)) {
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
  while (stop > 0 && entryLess(last, moved[stop - 1]!)) stop--;
  for (let i = 0; i < stop; i++) writeEntry(slots, path[i]!, moved[i]!);
  writeEntry(slots, path[stop]!, last);
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
