/**
 * What a `ThreadPoolExecutor` writes into a trace (diagnostics/trace.ts), while one is recorded:
 * a `submit` span on the submitting thread, a flow arrow from it to where the task starts (keyed
 * by the future's id), the task's span on its pool thread, and the pool's thread count.
 */
import { traceCounter, traceEvent, traceNow, traceSpan } from '../diagnostics/trace';
import { loadField } from '../fields';
import { F } from './future-core';
import type { Callable } from './executor';

/** The submit of `fn` as future `future` began at `start` (µs) and has queued it. */
export function traceSubmit(fn: Callable, future: number, start: number): void {
  const name = typeof fn === 'function' ? fn.name || 'task' : fn.exportName;
  const id = loadField(future, F.id);
  traceEvent({ name: 'submit', ph: 's', cat: 'flow', id, ts: start });
  traceSpan(`submit ${name}`, 'submit', start, { future: id });
}

/** The task of future `item` starts here: the flow arrow from its submit ends; returns the start (µs). */
export function traceTaskStart(item: number): number {
  const ts = traceNow();
  traceEvent({ name: 'submit', ph: 'f', bp: 'e', cat: 'flow', id: loadField(item, F.id), ts });
  return ts;
}

/** The task `fn` of future `item`, started at `start` (µs), has ended (`raised`: with an exception). */
export function traceTaskEnd(fn: (...args: never[]) => unknown, item: number, start: number, raised: boolean): void {
  traceSpan(fn.name || 'task', 'task', start, { future: loadField(item, F.id), raised });
}

/** The pool named `prefix` has `threads` threads now. */
export function traceThreadCount(prefix: string, threads: number): void {
  traceCounter(`${prefix} threads`, 'threads', threads);
}
