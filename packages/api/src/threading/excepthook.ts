/**
 * `threading.excepthook`: what happens to an exception that escapes a thread's `run()`. The
 * default prints `Exception in thread NAME:` and the stack to stderr; the process lives on.
 * A hook set with {@link setExcepthook} applies in every thread, so it must be a
 * self-contained function or a `task()` reference (it is shipped to the thread that failed).
 */
import { backend } from '../runtime';
import { ROOT, Root } from '../roots';
import { loadValue, storeValue, freeValue } from '../codec';
import { resolveTask, resolveTaskSync, task, toTaskSpec, type TaskSpec, type TaskRef } from './task';
import { currentIdent } from './current';
import type { Thread } from './thread';
import { addField, exchangeField, loadField } from '../fields';

/** The argument of an excepthook, as Python's `ExceptHookArgs`. */
export interface ExceptHookArgs {
  /** The exception's constructor (its class), or undefined for a non-object throw. */
  readonly excType: Function | undefined;
  /** The thrown value. */
  readonly excValue: unknown;
  /** The stack trace, when the value has one. */
  readonly excTraceback: string | undefined;
  /** The thread the exception escaped from. */
  readonly thread: Thread | undefined;
}

/** Formats a thrown value the way Python prints a traceback: the stack, or `name: message`. */
export function formatException(value: unknown): string {
  if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`;
  return `Uncaught ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`;
}

/**
 * The default hook (`threading.__excepthook__`): prints `Exception in thread NAME:` and the stack
 * to stderr; without a thread, NAME is the calling thread's ident (Python's `get_ident()`).
 */
export function defaultExcepthook(args: ExceptHookArgs): void {
  const name = args.thread?.name ?? currentIdent();
  backend().writeStderr(`Exception in thread ${name}:\n${formatException(args.excValue)}\n`);
}

/** An excepthook: a self-contained function, or a `task()` reference to a module's export. */
export type Excepthook = ((args: ExceptHookArgs) => unknown) | TaskRef;

/** The hook in force in this thread, as set (undefined: the default). */
let installed: Excepthook | undefined;
/** `installed` as a function, once resolved in this thread. */
let localHook: ((args: ExceptHookArgs) => unknown) | undefined;
let loadedVersion = 0;

/**
 * Installs `hook` as the excepthook of every thread (`threading.excepthook = hook`); `undefined`
 * or {@link defaultExcepthook} restores the default (Python's `threading.excepthook =
 * threading.__excepthook__`). The hook is validated like a thread target.
 */
export function setExcepthook(hook: Excepthook | undefined): void {
  if (hook === defaultExcepthook) hook = undefined;
  const b = backend();
  const address = hook === undefined ? 0 : storeValue(toTaskSpec(hook, 'excepthook'));
  b.lockAcquire(Root.excepthookLock, Infinity);
  const old = exchangeField(ROOT, Root.excepthookSource, address);
  loadedVersion = addField(ROOT, Root.excepthookVersion, 1) + 1;
  b.lockRelease(Root.excepthookLock);
  if (old !== 0) freeValue(old);
  installed = hook;
  localHook = typeof hook === 'function' ? hook : undefined;
}

/** The stored spec of the hook installed now, and its version (undefined: the default); read under the hook lock. */
function installedSpec(): [TaskSpec | undefined, number] {
  const b = backend();
  // Decode under the lock: a concurrent setExcepthook frees the block it replaces.
  b.lockAcquire(Root.excepthookLock, Infinity);
  try {
    const address = loadField(ROOT, Root.excepthookSource);
    return [address === 0 ? undefined : (loadValue(address) as TaskSpec), loadField(ROOT, Root.excepthookVersion)];
  } finally {
    b.lockRelease(Root.excepthookLock);
  }
}

/**
 * The excepthook installed now, in whichever thread it was set (Python reads
 * `threading.excepthook`): the function or `task()` reference given to {@link setExcepthook}, or
 * {@link defaultExcepthook}. A function set in another thread comes back as this thread's copy
 * of it; `setExcepthook(getExcepthook())` installs the same hook again.
 */
export function getExcepthook(): Excepthook {
  if (loadField(ROOT, Root.excepthookVersion) !== loadedVersion) {
    const [spec, version] = installedSpec();
    installed = spec === undefined ? undefined : spec.kind === 'module' ? task(spec.url, spec.name) : (resolveTaskSync(spec) as Excepthook);
    localHook = typeof installed === 'function' ? installed : undefined;
    loadedVersion = version;
  }
  return installed ?? defaultExcepthook;
}

/** The hook currently in force in this thread (loading a newer one set by another thread). */
async function currentHook(): Promise<(args: ExceptHookArgs) => unknown> {
  if (loadField(ROOT, Root.excepthookVersion) !== loadedVersion) {
    const [spec, version] = installedSpec();
    localHook = spec === undefined ? undefined : ((await resolveTask(spec)) as typeof localHook);
    installed = spec === undefined ? undefined : spec.kind === 'module' ? task(spec.url, spec.name) : localHook;
    loadedVersion = version;
  }
  return localHook ?? defaultExcepthook;
}

/** Calls the current excepthook for `error` raised in `thread`; a failing hook is reported, never rethrown. */
export async function reportThreadException(error: unknown, thread: Thread | undefined): Promise<void> {
  const args: ExceptHookArgs = {
    excType: typeof error === 'object' && error !== null ? (error.constructor as Function) : undefined,
    excValue: error,
    excTraceback: error instanceof Error ? error.stack : undefined,
    thread,
  };
  try {
    await (await currentHook())(args);
  } catch (hookError) {
    backend().writeStderr(`Exception in threading.excepthook:\n${formatException(hookError)}\n`);
    defaultExcepthook(args);
  }
}

/** `threading.excepthook`: calls the hook currently installed (the default unless {@link setExcepthook} replaced it). */
export function excepthook(args: ExceptHookArgs): void {
  void (localHook ?? defaultExcepthook)(args);
}
