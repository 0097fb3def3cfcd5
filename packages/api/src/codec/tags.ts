/**
 * The codec's wire format. An encoded value is a sequence of tagged items, little-endian:
 *
 *   Undefined | Null | True | False | Hole          (tag only)
 *   Int32  i32            Float64  f64            BigInt64  i64
 *   BigInt  u8 sign, u32 words, words × u64 (magnitude, least significant first)
 *   String  str           where str = u32 byte length + UTF-8 bytes
 *   Date  f64             RegExp  str source, str flags
 *   Array  u32 length, length × item (Hole for a missing index)
 *   Object  u32 count, count × (str key, item)
 *   Map  u32 count, count × (item key, item value)      Set  u32 count, count × item
 *   ArrayBuffer  u32 length, bytes
 *   View  u8 view type, item buffer, u32 byte offset, u32 length (elements; bytes for DataView)
 *   ViewCopy  u8 view type, u32 byte length, bytes     (a view of a SharedArrayBuffer, copied)
 *   Boxed  item primitive
 *   Error  str class key, str name, str message, u8 flags (ErrorFlag),
 *          [str stack], [item cause], [item errors], u32 count, count × (str key, item)
 *   Ref  u32 index                                      (the index-th object of this value)
 *   Handle  str kind, u32 address                       (a shared object)
 *
 * Every object item except Handle and Ref takes the next object index when it starts, so
 * `Ref` can name it later: repeated references and cycles come back as the same graph.
 */

/** Item tags (one byte). */
export const enum Tag {
  Undefined = 0,
  Null = 1,
  True = 2,
  False = 3,
  Int32 = 4,
  Float64 = 5,
  BigInt64 = 6,
  BigInt = 7,
  String = 8,
  Date = 9,
  RegExp = 10,
  Array = 11,
  Object = 12,
  Map = 13,
  Set = 14,
  ArrayBuffer = 15,
  View = 16,
  ViewCopy = 17,
  Boxed = 18,
  Error = 19,
  Ref = 20,
  Handle = 21,
  Hole = 22,
}

/** Flags of an Error item: which optional parts follow. */
export const enum ErrorFlag {
  Stack = 1,
  Cause = 2,
  Errors = 4,
}

/** View types by index (the `u8 view type` of View items); `DataView` is a view type too. */
export const VIEW_TYPES = [
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
  'DataView',
  'Float16Array',
] as const;

/** Index of `DataView` in {@link VIEW_TYPES}. */
export const DATA_VIEW = 11;

type ViewConstructor = new (buffer: ArrayBuffer, byteOffset: number, length: number) => ArrayBufferView;

/** Constructor of a view type in this runtime (undefined where the runtime lacks it, e.g. Float16Array). */
export function viewConstructor(type: number): ViewConstructor | undefined {
  const name = VIEW_TYPES[type];
  return name === undefined ? undefined : ((globalThis as Record<string, unknown>)[name] as ViewConstructor | undefined);
}

const typedArrayTag = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Int8Array.prototype) as object,
  Symbol.toStringTag,
)!.get!;
const viewTypeByName = new Map<string, number>(VIEW_TYPES.map((name, index) => [name, index]));

/** The view type of an ArrayBuffer view (brand-checked, so subclasses such as Node's Buffer map to their base). */
export function viewType(view: ArrayBufferView): number {
  const name = typedArrayTag.call(view) as string | undefined;
  return name === undefined ? DATA_VIEW : viewTypeByName.get(name)!;
}
