/**
 * Shared objects are handles: their state lives in the shared heap at an address, and the JS
 * object in each thread is a view of it. Passing one to another thread (as an argument, in a
 * queue item, as a future's result) sends only `kind` + `address`; the receiving thread
 * revives it, and gets the same JS object every time it receives the same address.
 */
import { backend } from './runtime';

/** The property under which a shared object keeps its handle. */
export const HANDLE: unique symbol = Symbol.for('threadkit.handle') as never;

/** Where a shared object lives: its registered kind and its heap address. */
export interface Handle {
  readonly kind: string;
  readonly address: number;
}

/** An object whose identity crosses threads. */
export interface SharedObject {
  readonly [HANDLE]: Handle;
}

type Reviver = (address: number) => object;

/**
 * How a reference-counted kind's block is kept alive: each thread's view holds a reference
 * (taken by its reviver, dropped when the view is collected), and so does every stored value
 * (`storeValue`) that names the object until it is freed — so a handle in flight between
 * threads never points at a block its sender already let go of.
 */
export interface Counted {
  retain(address: number): void;
  release(address: number): void;
}

const revivers = new Map<string, Reviver>();
/** Counted kinds by name, and their ids (registration order, the same in every thread). */
const countedByKind = new Map<string, { id: number; counted: Counted }>();
const countedById: Counted[] = [];
/** This thread's objects whose handles were sent out or received: address → object. */
const live = new Map<number, WeakRef<object>>();
const forget = new FinalizationRegistry<number>((address) => {
  if (live.get(address)?.deref() === undefined) live.delete(address);
});

/**
 * Registers how to rebuild a kind of shared object from its address. Every thread registers
 * the same kinds (module evaluation of the api does it), so any kind can be revived anywhere.
 */
export function registerKind(kind: string, revive: Reviver, counted?: Counted): void {
  if (revivers.has(kind)) throw new Error(`threadkit: shared kind '${kind}' registered twice`);
  revivers.set(kind, revive);
  if (counted !== undefined) {
    countedByKind.set(kind, { id: countedById.length, counted });
    countedById.push(counted);
  }
}

/** The id of a reference-counted kind (see {@link Counted}), or -1 for other kinds. */
export function countedKindId(kind: string): number {
  return countedByKind.get(kind)?.id ?? -1;
}

/** Adds a reference to the block of a counted kind's object (by {@link countedKindId}). */
export function retainCounted(id: number, address: number): void {
  countedById[id]!.retain(address);
}

/** Drops a reference taken with {@link retainCounted}. */
export function releaseCounted(id: number, address: number): void {
  countedById[id]!.release(address);
}

const viewReferences = new FinalizationRegistry<readonly [number, number]>(([id, address]) => releaseCounted(id, address));

/**
 * Makes `view` (this thread's object for a counted kind's block) own one reference on the
 * block, dropped once the view is garbage-collected or {@link dropReference} drops it first.
 * The caller has taken the reference.
 */
export function holdReference(view: object, kind: string, address: number): void {
  viewReferences.register(view, [countedKindId(kind), address], view);
}

/**
 * Drops the reference `view` holds (see {@link holdReference}) now, instead of when it is
 * collected: for a view that has copied everything it still needs out of the block (a finished
 * thread), or that its thread no longer uses (a builtin task's own argument). A view that defines
 * {@link SAME_AT} stays this thread's object for the address (it checks receipts itself); any
 * other is forgotten, since the address may be reused. Returns true when the view held a reference.
 */
export function dropReference(view: SharedObject): boolean {
  const { kind, address } = view[HANDLE];
  if (!(SAME_AT in view) && live.get(address)?.deref() === view) live.delete(address);
  if (!viewReferences.unregister(view)) return false;
  releaseCounted(countedKindId(kind), address);
  return true;
}

/**
 * Takes back the block of `view` if the reference the view holds is the only one left (no view
 * in any thread, stored value or block names it any more, so nothing else can reach it): the
 * count at `refsCell` goes from 1 to 0 and the caller owns the block — it reads what it needs,
 * frees it, and goes back to being local (see {@link unadopt}). False, changing nothing, otherwise.
 */
export function takeSoleReference(view: SharedObject, refsCell: number): boolean {
  if (!viewReferences.unregister(view)) return false;
  if (Atomics.compareExchange(backend().heap.i32, refsCell >> 2, 1, 0) === 1) {
    const { address } = view[HANDLE];
    if (live.get(address)?.deref() === view) live.delete(address);
    return true;
  }
  const { kind, address } = view[HANDLE];
  holdReference(view, kind, address);
  return false;
}

/**
 * A method a local-first object may define: go back to being local if this view holds the only
 * reference to its block (see {@link takeSoleReference}); nothing otherwise.
 */
export const RELOCALIZE: unique symbol = Symbol('threadkit.relocalize') as never;

/** Undoes {@link adopt} for an object that went back to being local (its `[HANDLE]` getter applies again). */
export function unadopt(object: SharedObject): void {
  delete (object as { [HANDLE]?: Handle })[HANDLE];
}

/**
 * A method a shared object may define to be asked for a handle that is valid now, just before
 * its handle leaves the thread: an object whose block was let go of (a finished thread's view)
 * makes a new block there and re-adopts itself with {@link adopt}.
 */
export const MATERIALIZE: unique symbol = Symbol('threadkit.materialize') as never;

/**
 * For kinds whose objects start local: an object is created without a block, its state in its
 * own thread's memory, and gets one (with {@link adopt}) in its `[MATERIALIZE]()` — when its
 * handle is first read: when it is sent to another thread, or when an operation needs the
 * shared heap (a wait). Installs a `[HANDLE]` getter on `prototype` that does that; once adopted,
 * the object's own `[HANDLE]` property hides the getter.
 */
export function materializeOnDemand(prototype: object): void {
  Object.defineProperty(prototype, HANDLE, {
    get(this: { [MATERIALIZE](): void }) {
      this[MATERIALIZE]();
      return (Object.getOwnPropertyDescriptor(this, HANDLE) as { value: Handle }).value;
    },
    enumerable: false,
    configurable: true,
  });
}

/**
 * A method a view that let go of its block defines: given the address of a live block of its
 * kind (a received handle), true when that block is still the object this view stands for, and
 * false when the address was freed and reused by another object.
 */
export const SAME_AT: unique symbol = Symbol('threadkit.sameAt') as never;

/** This thread's object for `address`, if it is one of `kind` that still stands for the block there. */
function knownAt(kind: string, address: number): object | undefined {
  const existing = live.get(address)?.deref() as (SharedObject & { [SAME_AT]?: (address: number) => boolean }) | undefined;
  if (existing === undefined) return undefined;
  if (existing[HANDLE].kind !== kind || existing[SAME_AT]?.(address) === false) {
    live.delete(address);
    return undefined;
  }
  return existing;
}

/** True when `value` is a shared object. */
export function isShared(value: unknown): value is SharedObject {
  return typeof value === 'object' && value !== null && HANDLE in value;
}

function remember(object: object, address: number): void {
  live.set(address, new WeakRef(object));
  forget.register(object, address);
}

/**
 * Makes `object` this thread's view of `address`. With `known`, it is also what later
 * receipts of the address return here (otherwise that happens when its handle is first sent).
 */
export function adopt<T extends object>(object: T, kind: string, address: number, known = false): T {
  Object.defineProperty(object, HANDLE, { value: { kind, address }, enumerable: false, configurable: true });
  if (known) remember(object, address);
  return object;
}

/**
 * Called by the codec when a shared object's handle leaves this thread: from now on, a
 * receipt of the same address here returns this very object. Cheap when already known.
 */
export function exportHandle(object: SharedObject): Handle {
  (object as { [MATERIALIZE]?: () => void })[MATERIALIZE]?.();
  const handle = object[HANDLE];
  if (live.get(handle.address)?.deref() !== object) remember(object, handle.address);
  return handle;
}

/** This thread's object for a received handle: the one it already has, or a revived one. */
export function reviveHandle(kind: string, address: number): object {
  const existing = knownAt(kind, address);
  if (existing !== undefined) return existing;
  const revive = revivers.get(kind);
  if (revive === undefined) throw new TypeError(`threadkit: unknown shared kind '${kind}'`);
  const object = revive(address);
  if (!isShared(object)) adopt(object, kind, address);
  remember(object, address);
  return object;
}
