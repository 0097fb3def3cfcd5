/**
 * `threading.local`: attributes that are per thread. One `local()` object may be shared by
 * many threads (it crosses threads as a handle); each thread sees only what it stored, and a
 * new thread — even on a reused worker — starts with nothing.
 */
import { adopt, HANDLE, registerKind } from '../handle';
import { backend } from '../runtime';
import { INSPECT } from '../inspect';
import { currentIdent } from './current';

/** Per isolate: thread ident → (local address → that thread's attributes). */
const storage = new Map<number, Map<number, Record<string | symbol, unknown>>>();

function attributes(address: number): Record<string | symbol, unknown> {
  const ident = currentIdent();
  let perThread = storage.get(ident);
  if (perThread === undefined) storage.set(ident, (perThread = new Map()));
  let attrs = perThread.get(address);
  if (attrs === undefined) perThread.set(address, (attrs = Object.create(null) as Record<string | symbol, unknown>));
  return attrs;
}

/** Drops the attributes a finished thread stored in every local (called by the runner). */
export function clearThreadLocals(ident: number): void {
  storage.delete(ident);
}

function view(address: number): object {
  const target = Object.create(null) as object;
  adopt(target, 'local', address);
  return new Proxy(target, {
    get(t, key) {
      if (key === HANDLE) return Reflect.get(t, key);
      if (key === INSPECT || key === 'toString') return () => `<local ${JSON.stringify(Object.keys(attributes(address)))}>`;
      return attributes(address)[key];
    },
    set(_t, key, value) {
      attributes(address)[key] = value;
      return true;
    },
    has(t, key) {
      return key === HANDLE ? Reflect.has(t, key) : key in attributes(address);
    },
    deleteProperty(_t, key) {
      return delete attributes(address)[key];
    },
    ownKeys() {
      // The handle is a non-configurable own property of the target, so the proxy must list it.
      return [...Reflect.ownKeys(attributes(address)), HANDLE];
    },
    getOwnPropertyDescriptor(t, key) {
      if (key === HANDLE) return Reflect.getOwnPropertyDescriptor(t, key);
      const attrs = attributes(address);
      return key in attrs ? { value: attrs[key], writable: true, enumerable: true, configurable: true } : undefined;
    },
  });
}

/** A thread-local namespace: `const data = local(); data.x = 1` (also usable with `new`). */
export type Local = Record<string, any>;

/** Creates a thread-local namespace (`threading.local()`); works with or without `new`. */
export const local = function local(): Local {
  return view(backend().alloc(4)) as Local;
} as unknown as { (): Local; new (): Local };

registerKind('local', (address) => view(address));
