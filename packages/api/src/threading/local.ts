/**
 * `threading.local`: attributes that are per thread. One `local()` object may be shared by
 * many threads (it crosses threads as a handle); each thread sees only what it stored, and a
 * new thread — even on a reused worker — starts with nothing.
 *
 * A local takes no shared heap at all: its handle's "address" is a process-wide id above every
 * heap address (ids count up from 2^31; heap addresses stay below it), and each thread's
 * attributes live in that thread's own view of it. An isolate runs one threadkit thread at a
 * time and idents are never reused, so a view holds the attributes of one ident: touched by
 * another ident (the next thread on a reused worker), it starts empty. The attributes go with
 * the view when it is garbage-collected.
 */
import { adopt, HANDLE, registerKind } from '../handle';
import { INSPECT } from '../inspect';
import { ROOT, Root } from '../roots';
import { addField } from '../fields';
import { currentIdent } from './current';

/** The first id of a local: ids and heap addresses never meet. */
const FIRST_ID = 2 ** 31;

/** A view's attributes and the thread they belong to. */
interface Slot {
  ident: number;
  attrs: Record<string | symbol, unknown>;
}

function view(id: number): object {
  const target = Object.create(null) as object;
  adopt(target, 'local', id);
  const slot: Slot = { ident: 0, attrs: Object.create(null) as Record<string | symbol, unknown> };
  const attributes = (): Record<string | symbol, unknown> => {
    const ident = currentIdent();
    if (slot.ident !== ident) {
      slot.ident = ident;
      slot.attrs = Object.create(null) as Record<string | symbol, unknown>;
    }
    return slot.attrs;
  };
  return new Proxy(target, {
    get(t, key) {
      if (key === HANDLE) return Reflect.get(t, key);
      if (key === INSPECT || key === 'toString') return () => `<local ${JSON.stringify(Object.keys(attributes()))}>`;
      return attributes()[key];
    },
    set(_t, key, value) {
      attributes()[key] = value;
      return true;
    },
    has(t, key) {
      return key === HANDLE ? Reflect.has(t, key) : key in attributes();
    },
    deleteProperty(_t, key) {
      return delete attributes()[key];
    },
    ownKeys() {
      // The handle is an own property of the target, so the proxy lists it too.
      return [...Reflect.ownKeys(attributes()), HANDLE];
    },
    getOwnPropertyDescriptor(t, key) {
      if (key === HANDLE) return Reflect.getOwnPropertyDescriptor(t, key);
      const attrs = attributes();
      return key in attrs ? { value: attrs[key], writable: true, enumerable: true, configurable: true } : undefined;
    },
  });
}

/** A thread-local namespace: `const data = local(); data.x = 1` (also usable with `new`). */
export type Local = Record<string, any>;

/** Creates a thread-local namespace (`threading.local()`); works with or without `new`. */
export const local = function local(): Local {
  const n = addField(ROOT, Root.localCounter, 1);
  return view(FIRST_ID + (n & 0x7fffffff)) as Local;
} as unknown as { (): Local; new (): Local };

registerKind('local', (id) => view(id));
