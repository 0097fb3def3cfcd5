/**
 * `threading.Thread`: a thread of control that really runs in parallel, on a warm worker.
 * Create it with a target (a self-contained function, `task(url, name)` for a module export) and
 * arguments, or subclass it and override `run()`; then `start()` and `join()`.
 * Arguments are copied to the thread with the codec; shared objects (locks, queues, …) among
 * them arrive as the same objects. A subclass instance's own fields travel the same way.
 */
import { adopt, dropReference, HANDLE, holdReference, MATERIALIZE, registerKind, SAME_AT, type Handle } from '../handle';
import { backend, mustBlock } from '../runtime';
import { RuntimeError } from '../errors';
import { INSPECT } from '../inspect';
import { ROOT, Root } from '../roots';
import { storeValue } from '../codec';
import { Deadline, waitTimeout } from '../timeout';
import { currentIdent, currentThreadOrUndefined } from './current';
import { TaskRef, toTaskSpec, type TaskSpec } from './task';
import { callerText } from './call-site';
import {
  createRecord,
  Field,
  recordName,
  recordRefs,
  registerStarted,
  setRecordName,
  State,
} from './thread-record';
import { waitWord, waitWordAsync } from '../parking/word';
import { THREAD_SPIN_READS } from '../parking/spin';
import { addField, loadField, storeField } from '../fields';
import { beginAsyncWait, beginWait, endAsyncWait, endWait, WaitKind, type AsyncWaitToken, type WaitToken } from '../diagnostics/wait-state';

/**
 * Options of `new Thread(...)`, Python's keyword arguments. `A` is the target's parameter list:
 * `args` is checked against the target's parameters (a typed `task<typeof fn>(…)` too).
 */
export interface ThreadOptions<A extends unknown[] = any[]> {
  /** What `run()` calls: a self-contained function, a `task(url, name)` reference, or undefined. */
  target?: ((...args: A) => unknown) | TaskRef<(...args: A) => unknown> | TaskSpec;
  /** Positional arguments for the target (copied to the thread). */
  args?: A | Readonly<A>;
  /** The thread's name; default `Thread-N (target)`. */
  name?: string;
  /** Daemon threads do not keep the process alive; default: the creating thread's flag. */
  daemon?: boolean;
}

/** What a thread's runner receives: the code to run and its copied arguments. */
export interface ThreadTask {
  readonly spec: TaskSpec | undefined;
  readonly args: readonly unknown[];
  readonly subclass: boolean;
  readonly fields: Record<string, unknown>;
  /** The user frames of the `start()` call (`at …` lines), appended to the thread's uncaught error. */
  readonly origin?: string;
}

/** The hook a Thread subclass of the api overrides to act once its view has seen the thread finished. */
export const ON_END: unique symbol = Symbol('threadkit.onEnd') as never;

/** Internal state of a Thread object (kept off its enumerable fields, which a subclass ships). */
export const THREAD: unique symbol = Symbol('threadkit.thread') as never;

/** What a view of a finished thread keeps once it has let go of the record. */
interface EndedThread {
  name: string;
  readonly ident: number;
  readonly nativeId: number;
  readonly daemon: boolean;
  readonly crashed: boolean;
}

/** Per-isolate state of a Thread object. */
export interface ThreadInternal {
  record: number;
  target?: ((...args: unknown[]) => unknown) | ThreadOptions['target'];
  args: readonly unknown[];
  /**
   * Set once this view has seen the thread finished: the record's last state, copied here so the
   * view can drop its reference at once (a loop that starts and joins threads reclaims every
   * record as it goes, without waiting for garbage collection).
   */
  ended?: EndedThread;
}

function nextDefaultName(target: ThreadOptions['target']): string {
  const n = addField(ROOT, Root.threadNameCounter, 1) + 1;
  const targetName =
    typeof target === 'function' ? target.name : target instanceof TaskRef ? target.exportName : undefined;
  return targetName ? `Thread-${n} (${targetName})` : `Thread-${n}`;
}

function defaultDaemon(): boolean {
  return currentThreadOrUndefined()?.daemon ?? false;
}

/** A thread of control; see the module comment. `A`: the target's parameters (see {@link ThreadOptions}). */
export class Thread<A extends unknown[] = any[]> {
  declare readonly [HANDLE]: Handle;
  declare [THREAD]: ThreadInternal;

  constructor(options: ThreadOptions<A> = {}) {
    const { target, args = [], name, daemon } = options;
    if (target !== undefined && target !== null && typeof target !== 'function' && !(target instanceof TaskRef) && !isBuiltinSpec(target)) {
      throw new TypeError(`Thread target must be a function or a task(url, name) reference, not ${typeof target}`);
    }
    if (!Array.isArray(args)) throw new TypeError('Thread args must be an array');
    // Python's `str(name) if name else _newname(…)`: an empty name is no name.
    const record = createRecord(name === undefined || name === null || name === '' ? nextDefaultName(target) : String(name), daemon ?? defaultDaemon());
    Object.defineProperty(this, THREAD, { value: { record, target, args }, enumerable: false, writable: true });
    adopt(this, 'Thread', record, true);
    holdReference(this, 'Thread', record);
  }

  /** The thread's name (settable; not unique). */
  get name(): string {
    const internal = this[THREAD];
    return internal.ended?.name ?? recordName(internal.record);
  }
  set name(value: string) {
    const internal = this[THREAD];
    if (internal.ended !== undefined) internal.ended.name = String(value);
    else setRecordName(internal.record, String(value));
  }

  /** The thread's ident once started (`undefined` before, like Python's None); unique in the process. */
  get ident(): number | undefined {
    if (this.state() === State.NEW) return undefined;
    return this[THREAD].ended?.ident ?? loadField(this[THREAD].record, Field.ident);
  }

  /** The runtime's id for the OS thread running it, once it runs (`undefined` before). */
  get nativeId(): number | undefined {
    const internal = this[THREAD];
    const id = internal.ended?.nativeId ?? loadField(internal.record, Field.nativeId);
    return id === 0 ? undefined : id;
  }

  /** Daemon threads do not keep the process alive. Settable only before `start()`. */
  get daemon(): boolean {
    const internal = this[THREAD];
    return internal.ended?.daemon ?? loadField(internal.record, Field.daemon) === 1;
  }
  set daemon(value: boolean) {
    if (this.state() !== State.NEW) throw new RuntimeError('cannot set daemon status of active thread');
    storeField(this[THREAD].record, Field.daemon, value ? 1 : 0);
  }

  /** Python's `isDaemon()`. */
  isDaemon(): boolean {
    return this.daemon;
  }

  /** Python's `setDaemon()`. */
  setDaemon(value: boolean): void {
    this.daemon = value;
  }

  /** Python's `getName()`. */
  getName(): string {
    return this.name;
  }

  /** Python's `setName()`. */
  setName(value: string): void {
    this.name = value;
  }

  /** True from `start()` until `run()` has ended. */
  isAlive(): boolean {
    const s = this.state();
    return s === State.STARTED || s === State.FINISHING;
  }

  /**
   * Starts the thread: its `run()` runs in parallel on a warm worker. Throws
   * RuntimeError('threads can only be started once') the second time, and a TypeError when
   * the target is not self-contained or an argument cannot be copied to a thread.
   */
  start(): void {
    const internal = this[THREAD];
    if (this.state() !== State.NEW) throw new RuntimeError('threads can only be started once');
    const subclass = this.run !== Thread.prototype.run;
    let spec: TaskSpec | undefined;
    let fields: Record<string, unknown> = {};
    if (subclass) {
      const cls = this.constructor as { module?: string; name: string };
      spec = typeof cls.module === 'string' ? { kind: 'module', url: cls.module, name: cls.name } : toTaskSpec(cls, 'Thread subclass');
      fields = { ...(this as object) } as Record<string, unknown>;
    } else if (internal.target !== undefined && internal.target !== null) {
      spec = toTaskSpec(internal.target, 'Thread target');
    }
    // The user's call of start() (this frame and callerText's are threadkit's own).
    const origin = callerText(2);
    const task: ThreadTask = { spec, args: internal.args, subclass, fields, origin };
    const taskAddress = storeValue(task, '');
    const record = internal.record;
    recordRefs.retain(record); // the running thread's, dropped when the record is finished
    registerStarted(record, 0);
    backend().spawn({ record, task: taskAddress });
  }

  /**
   * What the thread does. The default calls the target with the arguments; subclasses override
   * it (it runs in the new thread, on a copy of this object's fields). May be async.
   */
  run(): unknown {
    const { target, args } = this[THREAD];
    if (typeof target === 'function') return (target as (...a: unknown[]) => unknown)(...args);
    return undefined;
  }

  /**
   * Waits until the thread ends, or `timeout` ms pass (undefined: forever). Returns nothing, as
   * in Python: check `isAlive()` after a timed join. Blocks this thread; see {@link joinAsync}.
   */
  join(timeout?: number): void {
    mustBlock('joinAsync()');
    this.checkJoinable();
    const deadline = new Deadline(waitTimeout(timeout));
    if (this[THREAD].ended !== undefined) return;
    const record = this[THREAD].record;
    const cell = record + Field.state;
    let token: WaitToken | undefined;
    try {
      for (;;) {
        const s = loadField(cell);
        if (s === State.FINISHED) return this.end();
        const remaining = deadline.remaining();
        if (remaining === 0) return;
        token ??= beginWait(WaitKind.join, record, remaining !== Infinity);
        waitWord(cell, s, remaining, THREAD_SPIN_READS);
      }
    } finally {
      if (token !== undefined) endWait(token);
    }
  }

  /** {@link join} as a promise; the event loop stays free while it waits. */
  async joinAsync(timeout?: number): Promise<void> {
    this.checkJoinable();
    const deadline = new Deadline(waitTimeout(timeout));
    if (this[THREAD].ended !== undefined) return;
    const record = this[THREAD].record;
    const cell = record + Field.state;
    let token: AsyncWaitToken | undefined;
    try {
      for (;;) {
        const s = loadField(cell);
        if (s === State.FINISHED) return this.end();
        const remaining = deadline.remaining();
        if (remaining === 0) return;
        token ??= beginAsyncWait(WaitKind.join, record);
        await waitWordAsync(cell, s, remaining);
      }
    } finally {
      endAsyncWait(token);
    }
  }

  /** Python-like repr: `<Thread(worker-1, started 3)>`. */
  toString(): string {
    const s = this.state();
    let status = s === State.NEW ? 'initial' : s === State.FINISHED ? 'stopped' : 'started';
    if (this.daemon) status += ' daemon';
    if (s !== State.NEW) status += ` ${this.ident}`;
    return `<${this.reprName()}(${this.name}, ${status})>`;
  }

  /** Node's inspect hook: the repr. */
  [INSPECT](): string {
    return this.toString();
  }

  /** True when the thread's runtime died before `run()` returned (a worker that exited or crashed). */
  get crashed(): boolean {
    const internal = this[THREAD];
    return internal.ended?.crashed ?? loadField(internal.record, Field.crashed) === 1;
  }

  protected reprName(): string {
    return this.constructor === Thread ? 'Thread' : this.constructor.name;
  }

  /** The record's state; a view that sees FINISHED copies what it needs and lets go of the record. */
  private state(): number {
    const internal = this[THREAD];
    if (internal.ended !== undefined) return State.FINISHED;
    const s = loadField(internal.record, Field.state);
    if (s === State.FINISHED) this.end();
    return s;
  }

  /**
   * Copies the finished record's fields into this view and drops the view's reference, so the
   * record is freed as soon as every view has seen the end (and the running thread let go).
   */
  private end(): void {
    const internal = this[THREAD];
    if (internal.ended !== undefined) return;
    internal.ended = snapshot(internal.record);
    dropReference(this);
    this[ON_END]();
  }

  /** Called once this view has seen the thread finished: a subclass lets go of what only the thread used (Timer). */
  protected [ON_END](): void {}

  /** Before this view's handle leaves the thread: a view that let go of its record makes a new, finished one. */
  [MATERIALIZE](): void {
    const internal = this[THREAD];
    const ended = internal.ended;
    if (ended === undefined) return;
    const record = createRecord(ended.name, ended.daemon);
    storeField(record, Field.ident, ended.ident);
    storeField(record, Field.nativeId, ended.nativeId);
    storeField(record, Field.crashed, ended.crashed ? 1 : 0);
    storeField(record, Field.state, State.FINISHED);
    internal.record = record;
    internal.ended = undefined;
    adopt(this, 'Thread', record, true);
    holdReference(this, 'Thread', record);
  }

  /** A view that let go of its record still stands for the record at `record` if that is the same, finished thread. */
  [SAME_AT](record: number): boolean {
    const ended = this[THREAD].ended;
    return ended === undefined || (loadField(record, Field.ident) === ended.ident && loadField(record, Field.state) === State.FINISHED);
  }

  private checkJoinable(): void {
    if (this.state() === State.NEW) throw new RuntimeError('cannot join thread before it is started');
    if (this.ident === currentIdent()) throw new RuntimeError('cannot join current thread');
  }
}

function snapshot(record: number): EndedThread {
  return {
    name: recordName(record),
    ident: loadField(record, Field.ident),
    nativeId: loadField(record, Field.nativeId),
    daemon: loadField(record, Field.daemon) === 1,
    crashed: loadField(record, Field.crashed) === 1,
  };
}

/**
 * The running thread's own view lets go of its record when `run()` has ended (before the record
 * is finished, so the copy is taken while the running thread still holds the record).
 */
export function endRunningView(thread: Thread): void {
  const internal = thread[THREAD];
  if (internal.ended !== undefined) return;
  internal.ended = snapshot(internal.record);
  dropReference(thread);
}

function isBuiltinSpec(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as TaskSpec).kind === 'builtin';
}

/** Builds this thread's view of a record without running a constructor. */
export function threadView<T extends Thread>(prototype: object, record: number, fields: Record<string, unknown> = {}): T {
  const thread = Object.create(prototype) as T;
  Object.assign(thread, fields);
  Object.defineProperty(thread, THREAD, { value: { record, args: [] }, enumerable: false, writable: true });
  return adopt(thread, 'Thread', record, true);
}

/** The main thread's class, for its repr (`<_MainThread(MainThread, started 1)>`). */
export class MainThread extends Thread {
  protected override reprName(): string {
    return '_MainThread';
  }
}

registerKind(
  'Thread',
  (record) => {
    const proto = record === loadField(ROOT, Root.mainThreadRecord) ? MainThread.prototype : Thread.prototype;
    recordRefs.retain(record);
    const view = threadView(proto, record);
    holdReference(view, 'Thread', record);
    return view;
  },
  recordRefs,
);
