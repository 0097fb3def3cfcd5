/**
 * Tracing: `startTrace()` / `stopTrace(path)` write a Chrome Trace Event JSON file (Perfetto and
 * `chrome://tracing` open it): a track per thread (pid = the process, tid = the thread's ident,
 * named by `thread_name` metadata); thread lifetimes; executor tasks as spans named after their
 * function, with flow arrows from `submit` to the task's start; blocking waits as spans naming
 * the object, `…Async` waits as async spans (which may overlap); queue sizes and pool sizes as
 * counters.
 *
 * Every thread appends its events to a buffer of its own isolate, and hands it to the tracer
 * through a shared queue (`threadkit.trace`) — when the buffer is full, at an event once what it
 * holds is older than {@link STALE_MS} (so a busy thread's events reach the tracer as it goes),
 * before the thread blocks (on the same condition), when a pool thread goes idle and when a
 * thread ends; `stopTrace` collects what was handed over. No event goes through the main
 * thread's event loop. Events a thread still holds at `stopTrace` (those of its last
 * {@link STALE_MS}, or of a thread busy in a long computation since) are not in the file.
 *
 * Off, a trace point costs one read of the shared `Root.trace` cell ({@link tracing}).
 */
import { ROOT, Root } from '../roots';
import { addField, loadField, storeField } from '../fields';
import { currentIdentOrZero, currentThreadOrUndefined } from '../threading/current';
import { SimpleQueue } from '../queue/simple-queue';
import { shared } from '../shared/registry';

/** One Chrome Trace Event (the fields this tracer writes). */
export interface TraceEvent {
  /** Span, counter or metadata name. */
  name: string;
  /** Phase: X (complete span), C (counter), M (metadata), s/f (flow start/finish), b/e (async span begin/end). */
  ph: 'X' | 'C' | 'M' | 's' | 'f' | 'i' | 'b' | 'e';
  /** Microseconds (since the Unix epoch). */
  ts: number;
  /** The process. */
  pid: number;
  /** The thread's ident. */
  tid: number;
  /** Category: thread, task, submit, wait, flow, counter. */
  cat?: string;
  /** A span's duration in µs. */
  dur?: number;
  /** A flow's id (the future's id), or an async span's (`ident.n`: its thread and its number there). */
  id?: number | string;
  /** A flow finish binds to its enclosing slice. */
  bp?: 'e';
  /** Arguments shown with the event. */
  args?: Record<string, unknown>;
}

/** What `stopTrace` returns (and writes): Chrome's JSON object format. */
export interface TraceData {
  /** The events, metadata first, then by time. */
  traceEvents: TraceEvent[];
  /** How the viewer shows times. */
  displayTimeUnit: 'ms';
}

/** Buffered events a thread hands over at the latest. */
const FLUSH_AT = 512;
/** A thread hands over what it holds once the oldest of it is older than this: at its next event, or as it is about to block. */
const STALE_MS = 20;
const STALE_NS = STALE_MS * 1e6;

const PID = (globalThis as { process?: { pid?: number } }).process?.pid ?? 1;

let buffer: TraceEvent[] = [];
/** The trace (its `Root.trace` value) the buffered events belong to. */
let bufferTrace = 0;
/** When the oldest timed event in the buffer happened (its trace time, ns), 0 when it holds none. */
let oldest = 0;
/** Threads of this isolate whose name was written into the current trace. */
const named = new Set<number>();
/** True while the tracer itself runs (its own queue operations are not traced). */
let busy = false;

/** True while a trace is being recorded: one read of a shared cell (the off cost). */
export function tracing(): boolean {
  return loadField(ROOT, Root.trace) !== 0;
}

/**
 * Now, comparable across threads: whole nanoseconds since the trace's epoch (the second it
 * started, in `Root.traceEpoch`), never 0. Buffered events carry these integers (cheap to turn
 * into JSON); `stopTrace` turns them into Chrome's microseconds since the Unix epoch.
 */
export function traceNow(): number {
  const epochMs = loadField(ROOT, Root.traceEpoch) * 1000;
  return Math.max(1, Math.round((performance.timeOrigin - epochMs + performance.now()) * 1e6));
}

/** The queue threads hand their events to: [trace number, the batch as JSON] (one string crosses faster than many objects). */
function sink(): SimpleQueue<[number, string]> {
  return shared('threadkit.trace', () => new SimpleQueue<[number, string]>());
}

/** Appends `event` (pid and tid filled in) to this thread's buffer, when a trace is on. */
export function traceEvent(event: Omit<TraceEvent, 'pid' | 'tid'>): void {
  const trace = loadField(ROOT, Root.trace);
  if (trace === 0 || busy) return;
  if (trace !== bufferTrace) {
    buffer = [];
    oldest = 0;
    named.clear();
    bufferTrace = trace;
  }
  const tid = currentIdentOrZero();
  if (!named.has(tid)) {
    named.add(tid);
    const name = currentThreadOrUndefined()?.name ?? `thread ${tid}`;
    buffer.push({ name: 'thread_name', ph: 'M', ts: 0, pid: PID, tid, args: { name } });
    buffer.push({ name: 'thread_sort_index', ph: 'M', ts: 0, pid: PID, tid, args: { sort_index: tid } });
  }
  (event as TraceEvent).pid = PID;
  (event as TraceEvent).tid = tid;
  buffer.push(event as TraceEvent);
  // An event's end is now: its time, plus its duration for a span.
  const now = event.ts + (event.dur ?? 0);
  if (oldest === 0) oldest = event.ts;
  if (buffer.length >= FLUSH_AT || now - oldest > STALE_NS) flushTrace();
}

/** A complete span that began at `start` (µs) and ends now. */
export function traceSpan(name: string, cat: string, start: number, args?: Record<string, unknown>): void {
  const event: Omit<TraceEvent, 'pid' | 'tid'> = { name, ph: 'X', cat, ts: start, dur: traceNow() - start };
  if (args !== undefined) event.args = args;
  traceEvent(event);
}

/** Async spans this thread has written (the second part of their ids). */
let asyncSpans = 0;

/**
 * An async span that began at `start` and ends now, on this thread's track: Chrome's nestable
 * async events ('b' and 'e', matched by id), since a thread's `…Async` waits may overlap each
 * other and its other spans, where complete spans ('X') must nest.
 */
export function traceAsyncSpan(name: string, cat: string, start: number): void {
  const id = `${currentIdentOrZero()}.${++asyncSpans}`;
  traceEvent({ name, ph: 'b', cat, id, ts: start });
  traceEvent({ name, ph: 'e', cat, id, ts: traceNow() });
}

/** A counter's value now (`name` is the track, `series` the line). */
export function traceCounter(name: string, series: string, value: number): void {
  traceEvent({ name, ph: 'C', cat: 'counter', ts: traceNow(), args: { [series]: value } });
}

/** Hands this thread's buffered events to the tracer (dropped when their trace has stopped). */
export function flushTrace(): void {
  if (buffer.length === 0 || busy) return;
  const events = buffer;
  buffer = [];
  oldest = 0;
  if (loadField(ROOT, Root.trace) !== bufferTrace) return;
  busy = true;
  try {
    sink().putNowait([bufferTrace, JSON.stringify(events)]);
  } finally {
    busy = false;
  }
}

/** Hands the buffer over when its oldest event is older than {@link STALE_MS} (a thread about to block). */
export function flushTraceIfStale(): void {
  if (oldest !== 0 && traceNow() - oldest > STALE_NS) flushTrace();
}

/** Where the main thread's own lifetime span of the current trace starts. */
let startedAt = 0;

/**
 * Starts recording a trace in every thread (beyond Python). A trace already running goes on.
 * Read it with {@link stopTrace}.
 */
export function startTrace(): void {
  if (tracing()) return;
  busy = true;
  try {
    // Drop what a previous trace's threads handed over after it stopped.
    const queue = sink();
    while (!queue.empty()) queue.getNowait();
  } finally {
    busy = false;
  }
  const trace = addField(ROOT, Root.traceCounter, 1) + 1;
  storeField(ROOT, Root.traceEpoch, Math.floor((performance.timeOrigin + performance.now()) / 1000));
  startedAt = traceNow();
  storeField(ROOT, Root.trace, trace);
}

/**
 * Stops the trace and returns it as Chrome Trace Event JSON data; with `path` (Node, Bun,
 * Deno), also writes it there. Without a running trace, returns an empty one.
 */
export function stopTrace(path?: string): TraceData {
  const trace = loadField(ROOT, Root.trace);
  const events: TraceEvent[] = [];
  const epochUs = loadField(ROOT, Root.traceEpoch) * 1e6;
  if (trace !== 0) {
    traceSpan(currentThreadOrUndefined()?.name ?? 'thread', 'thread', startedAt);
    flushTrace();
    storeField(ROOT, Root.trace, 0);
    busy = true;
    try {
      const queue = sink();
      while (!queue.empty()) {
        const [from, batch] = queue.getNowait();
        if (from === trace) for (const event of JSON.parse(batch) as TraceEvent[]) events.push(inMicroseconds(event, epochUs));
      }
    } finally {
      busy = false;
    }
  }
  const data: TraceData = { traceEvents: orderEvents(events), displayTimeUnit: 'ms' };
  if (path !== undefined) writeTrace(path, data);
  return data;
}

/** An event with its buffered times (ns since the epoch) as Chrome's µs since the Unix epoch. */
function inMicroseconds(event: TraceEvent, epochUs: number): TraceEvent {
  if (event.ph !== 'M') event.ts = epochUs + event.ts / 1000;
  if (event.dur !== undefined) event.dur /= 1000;
  return event;
}

/** Metadata first (each thread's once), then by time. */
function orderEvents(events: TraceEvent[]): TraceEvent[] {
  const seen = new Set<string>();
  const meta = events.filter((e) => {
    if (e.ph !== 'M') return false;
    const key = `${e.tid}:${e.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const rest = events.filter((e) => e.ph !== 'M').sort((a, b) => a.ts - b.ts);
  return [...meta, ...rest];
}

function writeTrace(path: string, data: TraceData): void {
  const proc = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process;
  const fs = proc?.getBuiltinModule?.('node:fs') as { writeFileSync: (path: string, text: string) => void } | undefined;
  if (fs === undefined) throw new TypeError('stopTrace(path) needs a file system (Node, Bun or Deno); call stopTrace() and keep the data it returns');
  fs.writeFileSync(path, JSON.stringify(data));
}

/**
 * `THREADKIT_TRACE=path`: traces the whole run and writes the file when the process exits
 * (threads still running then are in it up to their last hand-over).
 */
export function traceFromEnv(path: string | undefined): void {
  if (path === undefined || path === '') return;
  const proc = (globalThis as { process?: { once?: (event: string, fn: () => void) => void } }).process;
  if (typeof proc?.once !== 'function') return;
  startTrace();
  proc.once('exit', () => {
    try {
      stopTrace(path);
    } catch (error) {
      (globalThis as { console?: Console }).console?.error(`threadkit: could not write the trace to ${path}: ${String(error)}`);
    }
  });
}
