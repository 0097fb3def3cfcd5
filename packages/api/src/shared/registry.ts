/**
 * `shared(name, factory)`: module-level objects that are the same object in every thread.
 *
 * A process-wide registry in the heap: a linked list from `Root.registryHead`, guarded by the
 * core lock at `Root.registryLock` (held only to find or insert an entry, never while a
 * factory runs). Entry layout (16 bytes):
 *   0   u32  next entry (0 = end)
 *   4   u32  address of the codec-stored name
 *   8   i32  state: EMPTY (nobody has a value; the next caller initializes), INITIALIZING
 *            (a thread runs its factory; others park on this cell), READY
 *   12  u32  address of the codec-stored value (valid when READY)
 */
import { loadValue, storeValue } from '../codec';
import { waitWord, wakeWord } from '../parking/word';
import { RuntimeError } from '../errors';
import { ROOT, Root } from '../roots';
import { backend } from '../runtime';
import { loadField, storeField } from '../fields';

const NEXT = 0;
const NAME = 4;
const STATE = 8;
const VALUE = 12;
const ENTRY_BYTES = 16;

const enum State {
  Empty = 0,
  Initializing = 1,
  Ready = 2,
}

/** This thread's result per name (entries are never removed, so it stays valid). */
const resolved = new Map<string, unknown>();
/** Names of the entries this thread has read (names never change). */
const entryNames = new Map<number, string>();
/** Names whose factory runs in this thread now. */
const initializing = new Set<string>();

function entryName(entry: number): string {
  let name = entryNames.get(entry);
  if (name === undefined) {
    name = loadValue(backend().heap.u32[(entry + NAME) >> 2]) as string;
    entryNames.set(entry, name);
  }
  return name;
}

/**
 * Finds the entry of `name`, creating it (EMPTY) when missing; returns its address and, when
 * this thread must run the factory, true (the entry was moved to INITIALIZING).
 */
function claim(name: string): [entry: number, initialize: boolean] {
  const b = backend();
  b.lockAcquire(Root.registryLock, Infinity);
  try {
    let { u32 } = b.heap;
    let entry = u32[Root.registryHead >> 2];
    while (entry !== 0 && entryName(entry) !== name) entry = u32[(entry + NEXT) >> 2];
    if (entry === 0) {
      const nameAddress = storeValue(name);
      entry = b.alloc(ENTRY_BYTES);
      // The heap may have grown: views taken before an allocation may not reach the new entry.
      ({ u32 } = b.heap);
      u32[(entry + NAME) >> 2] = nameAddress;
      u32[(entry + NEXT) >> 2] = u32[Root.registryHead >> 2];
      entryNames.set(entry, name);
      storeField(ROOT, Root.registryHead, entry);
    }
    const state = loadField(entry, STATE);
    if (state !== State.Empty) return [entry, false];
    storeField(entry, STATE, State.Initializing);
    return [entry, true];
  } finally {
    b.lockRelease(Root.registryLock);
  }
}

/** Runs `factory` for the claimed `entry` and publishes its result; on failure hands initialization to the next caller. */
function initialize<T>(name: string, entry: number, factory: () => T): T {
  const b = backend();
  const stateIndex = (entry + STATE) >> 2;
  initializing.add(name);
  try {
    const value = factory();
    const stored = storeValue(value, `shared(${JSON.stringify(name)})`);
    b.heap.u32[(entry + VALUE) >> 2] = stored;
    Atomics.store(b.heap.i32, stateIndex, State.Ready);
    resolved.set(name, value);
    return value;
  } catch (error) {
    Atomics.store(b.heap.i32, stateIndex, State.Empty);
    throw error;
  } finally {
    initializing.delete(name);
    wakeWord(entry + STATE);
  }
}

/**
 * A module-level object that is the SAME object in every thread.
 *
 * FOOT-GUN: every thread evaluates your modules anew, so a module-level
 * `const lock = new Lock()` is a DIFFERENT lock in every thread — it protects nothing across
 * threads. Write `const lock = shared('app.lock', () => new Lock())` instead: the first call
 * anywhere in the process runs `factory()`; every later call, in any thread, returns that
 * object (shared objects — locks, queues, `Value`s … — revived as the same object; any other
 * value is stored as a copy, so each thread gets its own snapshot of it, not shared state).
 *
 * `name` is process-wide: pick a unique one (prefix it with your module's name). The factory
 * runs once per process, outside any global lock: other threads asking for the same name wait
 * for it, other names are not held up. If the factory throws (or returns something the codec
 * cannot copy), nothing is recorded and the error propagates; the next call runs its own
 * factory. A factory that asks for its own name (directly or through another `shared()`)
 * throws RuntimeError; two threads whose factories wait for each other's names deadlock, as
 * circular imports would. Waiting for another thread's factory blocks the calling thread.
 */
export function shared<T>(name: string, factory: () => T): T {
  if (typeof name !== 'string') throw new TypeError(`shared() name must be a string, not ${typeof name}`);
  if (typeof factory !== 'function') throw new TypeError(`shared() factory must be a function, not ${typeof factory}`);
  if (resolved.has(name)) return resolved.get(name) as T;
  if (initializing.has(name)) {
    throw new RuntimeError(`shared(${JSON.stringify(name)}) called again while its factory runs (recursive initialization)`);
  }
  const b = backend();
  for (;;) {
    const [entry, mine] = claim(name);
    if (mine) return initialize(name, entry, factory);
    const stateAddress = entry + STATE;
    let state = loadField(stateAddress);
    while (state === State.Initializing) {
      waitWord(stateAddress, State.Initializing, Infinity);
      state = loadField(stateAddress);
    }
    if (state === State.Ready) {
      const value = loadValue(b.heap.u32[(entry + VALUE) >> 2]) as T;
      resolved.set(name, value);
      return value;
    }
  }
}
