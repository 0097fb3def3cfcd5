/**
 * Which thread is running here. Each isolate runs one threadkit thread at a time (a warm worker
 * runs one thread after another), so "current" is a per-isolate slot set by the runner.
 */
import type { Thread } from './thread';
import { RuntimeError } from '../errors';

let current: Thread | undefined;
let ident = 0;

/** Sets (or clears) the thread this isolate is running; called by the runner and at main's start. */
export function setCurrentThread(thread: Thread | undefined, threadIdent: number): void {
  current = thread;
  ident = threadIdent;
}

/** The ident of the calling thread (`threading.get_ident()`); the main thread's is 1. */
export function currentIdent(): number {
  if (ident === 0) throw new RuntimeError('threadkit: this isolate is not running a threadkit thread');
  return ident;
}

/** The ident of the calling thread, or 0 where no threadkit thread runs (a supervisor). */
export function currentIdentOrZero(): number {
  return ident;
}

/** The Thread object of the calling thread (`threading.current_thread()`). */
export function currentThread(): Thread {
  if (current === undefined) throw new RuntimeError('threadkit: this isolate is not running a threadkit thread');
  return current;
}

/** `threading.get_ident()`: the calling thread's ident, a positive integer unique in the process. */
export function getIdent(): number {
  return currentIdent();
}

/** The calling thread's Thread object, or undefined outside any threadkit thread. */
export function currentThreadOrUndefined(): Thread | undefined {
  return current;
}
