/**
 * Which error classes the codec rebuilds by class. An error crosses threads as its class key,
 * name, message, stack, cause and own enumerable properties; the receiving thread rebuilds it
 * as the registered class of that key. Every thread must register the same classes (register
 * at module load of a module every thread imports), since registries are per thread.
 */
import * as errors from '../errors';

/** An error class the codec can rebuild: constructible as `new cls(message)`. */
export type ErrorClass = new (message?: string) => Error;

const classByKey = new Map<string, ErrorClass>();
const keyByClass = new Map<Function, string>();

/**
 * Lets errors of class `cls` cross threads as that class (the receiving thread rebuilds them
 * with `new cls(message)`, then restores name, stack, cause and own enumerable properties).
 * `key` names the class on the wire (default: `cls.name`); registering the same class again is
 * a no-op, another class under a taken key is a TypeError. An error of an unregistered class is
 * rebuilt as its nearest registered ancestor (at worst `Error`), keeping its `name`.
 */
export function registerErrorClass(cls: ErrorClass, key: string = cls.name): void {
  if (typeof cls !== 'function' || !(cls.prototype instanceof Error || cls === Error)) {
    throw new TypeError('registerErrorClass() expects a subclass of Error');
  }
  const existing = classByKey.get(key);
  if (existing === cls) return;
  if (existing !== undefined) throw new TypeError(`error class key '${key}' is already registered`);
  classByKey.set(key, cls);
  keyByClass.set(cls, key);
}

/** The key of the nearest registered class on the prototype chain of `error`. */
export function errorClassKey(error: Error): string {
  for (let proto = Object.getPrototypeOf(error); proto !== null; proto = Object.getPrototypeOf(proto)) {
    const key = keyByClass.get((proto as { constructor: Function }).constructor);
    if (key !== undefined && proto === (proto as { constructor: Function }).constructor.prototype) return key;
  }
  return 'Error';
}

/** The class registered under `key`; `Error` when this thread does not know it. */
export function errorClass(key: string): ErrorClass {
  return classByKey.get(key) ?? Error;
}

for (const cls of [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError]) {
  registerErrorClass(cls as ErrorClass);
}
for (const cls of Object.values(errors)) {
  if (typeof cls === 'function' && cls.prototype instanceof Error) registerErrorClass(cls as ErrorClass);
}
