/**
 * The codec: the byte transport for everything that crosses threads (thread arguments, queue
 * items, future results). Structured-clone semantics; shared objects travel as handles.
 */
export { encode } from './writer';
export { decode } from './reader';
export { storeValue, loadValue, storeResult, loadResult, freeValue, holdValue, readHeld, dropHeld, storeHeld, type HeldValue } from './store';
export { registerErrorClass, type ErrorClass } from './error-classes';
