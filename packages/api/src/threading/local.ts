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

/** A subclass of {@link local}: its constructor runs again in each thread that touches the object. */
type LocalClass = new () => object;

/** While a subclass's constructor runs again for a new thread: the object it initializes (taken by `local()`). */
let reinitializing: object | undefined;

function setterOf(proto: object | null, key: string | symbol): ((value: unknown) => void) | undefined {
  for (let p = proto; p !== null; p = Object.getPrototypeOf(p) as object | null) {
    const descriptor = Reflect.getOwnPropertyDescriptor(p, key);
    if (descriptor !== undefined) return descriptor.set;
  }
  return undefined;
}

function view(id: number, cls?: LocalClass): object {
  const target = Object.create(cls?.prototype ?? local.prototype) as object;
  const proto = Object.getPrototypeOf(target) as object;
  adopt(target, 'local', id);
  const slot: Slot = { ident: cls === undefined ? 0 : currentIdent(), attrs: Object.create(null) as Record<string | symbol, unknown> };
  let proxy: object;
  const attributes = (): Record<string | symbol, unknown> => {
    const ident = currentIdent();
    if (slot.ident !== ident) {
      slot.ident = ident;
      slot.attrs = Object.create(null) as Record<string | symbol, unknown>;
      // Python's local subclass: `__init__` runs again in each thread (here without arguments).
      if (cls !== undefined) {
        reinitializing = proxy;
        try {
          Reflect.construct(cls, []);
        } finally {
          reinitializing = undefined;
        }
      }
    }
    return slot.attrs;
  };
  const repr = (): string => `<${cls?.name ?? 'local'} ${JSON.stringify(Object.keys(attributes()))}>`;
  proxy = new Proxy(target, {
    get(t, key, receiver) {
      if (key === HANDLE) return Reflect.get(t, key);
      const attrs = attributes();
      if (key in attrs) return attrs[key];
      if (key === INSPECT || (key === 'toString' && Reflect.get(proto, key) === Object.prototype.toString)) return repr;
      return Reflect.get(proto, key, receiver);
    },
    set(_t, key, value, receiver) {
      const setter = key in attributes() ? undefined : setterOf(proto, key);
      if (setter !== undefined) setter.call(receiver, value);
      else attributes()[key] = value;
      return true;
    },
    defineProperty(_t, key, descriptor) {
      // Class fields (`n = 2`) are defined, not set: they go to this thread's attributes too.
      attributes()[key] = descriptor.get !== undefined || descriptor.set !== undefined ? descriptor.get?.call(proxy) : descriptor.value;
      return true;
    },
    has(t, key) {
      return key === HANDLE ? Reflect.has(t, key) : key in attributes() || key in proto;
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
  return proxy;
}

/** A thread-local namespace: `const data = local(); data.x = 1` (also usable with `new`). */
export type Local = Record<string, any>;

/**
 * Creates a thread-local namespace (`threading.local()`); works with or without `new`. It takes
 * no arguments (TypeError('Initialization arguments are not supported'), as in Python). A class
 * may extend it: its instances are instances of the class, its methods and accessors see the
 * calling thread's attributes, and its constructor (field initializers included) runs again,
 * without arguments, in each other thread that touches the object in the isolate that made it
 * — Python runs a subclass's `__init__` again per thread. A subclass instance sent to another
 * thread arrives there as a plain local.
 */
export const local = function local(this: unknown): Local {
  if (arguments.length > 0) throw new TypeError('Initialization arguments are not supported');
  const again = reinitializing;
  if (again !== undefined) {
    reinitializing = undefined;
    return again as Local;
  }
  const cls = new.target !== undefined && (new.target as unknown) !== local ? (new.target as unknown as LocalClass) : undefined;
  const n = addField(ROOT, Root.localCounter, 1);
  return view(FIRST_ID + (n & 0x7fffffff), cls) as Local;
} as unknown as { (): Local; new (): Local };

registerKind('local', (id) => view(id));
