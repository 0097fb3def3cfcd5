/**
 * Where user code called into threadkit: the frames of the stack outside threadkit's own
 * packages. A thread's error ends with the frames of the `Thread.start` or `submit` call that
 * made it (the way async stack traces continue past an `await`), and a self-contained target's
 * definition is looked for in the files these frames name.
 */

/** This package's dist folder and its siblings' (the backends'): frames there are threadkit's own. */
const OWN_ROOTS: readonly string[] = ownRoots();

function ownRoots(): string[] {
  let here: string;
  try {
    here = import.meta.url;
  } catch {
    return [];
  }
  if (typeof here !== 'string' || here === '') return [];
  // …/packages/api/dist/x.js (a workspace) or …/node_modules/@threadkit/api/dist/x.js
  const match = /^(.*\/)api\/(?:dist|src)\//.exec(here);
  if (match === null) return [];
  const parent = match[1]!;
  const roots = [`${parent}api/`, `${parent}backend-`];
  const path = parent.startsWith('file://') ? decodeURIComponent(parent.slice('file://'.length)) : undefined;
  if (path !== undefined) roots.push(`${path}api/`, `${path}backend-`);
  return roots;
}

/** One frame of a V8/JSC stack line: the text after `at `, and its location when it has one. */
export interface Frame {
  /** The whole frame as printed, without the leading `at `. */
  readonly text: string;
  /** The file (path or URL) of the location, when the frame has one. */
  readonly file: string | undefined;
  /** 1-based line of the location, when the frame has one. */
  readonly line: number;
}

const LOCATION = /\(?((?:[a-z][\w+.-]*:\/\/\/?|\/|[A-Za-z]:\\)[^()]*?):(\d+):(\d+)\)?$/;

/** Parses the `at …` lines of an Error's stack (V8's format; other lines are skipped). */
export function parseFrames(stack: string): Frame[] {
  const frames: Frame[] = [];
  for (const raw of stack.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('at ')) continue;
    const text = line.slice(3);
    const location = LOCATION.exec(text);
    frames.push({ text, file: location?.[1], line: location === null ? 0 : Number(location[2]) });
  }
  return frames;
}

/** True for a frame of threadkit itself, of the runtime (`node:…`), or without a location. */
function isOwn(frame: Frame): boolean {
  const file = frame.file;
  if (file === undefined) return true;
  if (file.startsWith('node:') || file.startsWith('ext:') || file.startsWith('bun:')) return true;
  return OWN_ROOTS.some((root) => file.startsWith(root));
}

/** How many user frames a call site keeps: enough to see the caller's caller. */
const KEPT_FRAMES = 4;

/**
 * The user frames of the calling stack (threadkit's own frames at the top dropped), at most
 * {@link KEPT_FRAMES}; empty where the runtime gives no stack.
 */
export function userFrames(stack: string | undefined): Frame[] {
  if (typeof stack !== 'string') return [];
  const frames = parseFrames(stack);
  const first = frames.findIndex((frame) => !isOwn(frame));
  return first === -1 ? [] : frames.slice(first, first + KEPT_FRAMES);
}

/** What a V8-style structured stack frame offers (`Error.prepareStackTrace`'s call sites; Bun's too). */
interface CallSite {
  getFileName(): string | null | undefined;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
  getFunctionName(): string | null;
  isConstructor(): boolean;
  isAsync?(): boolean;
  isToplevel?(): boolean;
  getTypeName?(): string | null;
}

const asCallSites = (_error: Error, sites: CallSite[]): CallSite[] => sites;

/** True when the runtime maps stack positions through source maps (Node's `--enable-source-maps`): then only its own formatting has the right lines. */
function sourceMapsOn(): boolean {
  const proc = (globalThis as { process?: { sourceMapsEnabled?: boolean; execArgv?: string[] } }).process;
  return proc?.sourceMapsEnabled === true || (proc?.execArgv?.includes('--enable-source-maps') ?? false);
}

/** True for no `Error.prepareStackTrace` or the runtime's own (Node's and Bun's are named so); a program's own (source-map-support's) is left to format. */
function isRuntimeDefault(prepare: unknown): boolean {
  return prepare === undefined || (typeof prepare === 'function' && prepare.name === 'ErrorPrepareStackTrace');
}

/** One call site as V8 prints it after `at `: `name (file:line:col)`, or the location alone. */
function siteText(site: CallSite, file: string | undefined): string {
  const location = file === undefined ? '<anonymous>' : `${file}:${site.getLineNumber() ?? 0}:${site.getColumnNumber() ?? 0}`;
  let name = site.getFunctionName();
  if (name === null || name === '') return location;
  if (site.isConstructor()) return `new ${name} (${location})`;
  if (site.isToplevel?.() === false) {
    const type = site.getTypeName?.();
    if (typeof type === 'string' && type !== '' && !name.startsWith(type)) name = `${type}.${name}`;
  }
  return `${site.isAsync?.() === true ? 'async ' : ''}${name} (${location})`;
}

/**
 * The call site of a threadkit entry point, as the `at …` lines of its user frames. It is taken
 * on every `Thread.start`, so it costs as little as it can: the stack is captured with only the
 * frames it keeps (`ownDepth` frames of threadkit — this function counted — then
 * {@link KEPT_FRAMES}) and, where the runtime offers structured call sites and no source maps
 * are on, only the kept frames' positions are looked up (formatting a whole stack is most of the
 * cost). A program that lowered `Error.stackTraceLimit` (to 0: no call sites) gets at most that.
 */
export function callerText(ownDepth: number): string {
  const E = Error as ErrorConstructor & { prepareStackTrace?: unknown; stackTraceLimit: number };
  const limit = E.stackTraceLimit;
  const prepare = E.prepareStackTrace;
  const structured = isRuntimeDefault(prepare) && !sourceMapsOn();
  let stack: unknown;
  try {
    if (typeof limit === 'number') E.stackTraceLimit = Math.min(limit, ownDepth + KEPT_FRAMES);
    if (structured) E.prepareStackTrace = asCallSites;
    stack = new Error().stack;
  } finally {
    E.stackTraceLimit = limit;
    if (structured) E.prepareStackTrace = prepare;
  }
  if (!Array.isArray(stack)) return formatFrames(userFrames(stack as string | undefined));
  const lines: string[] = [];
  for (const site of stack as CallSite[]) {
    const file = site.getFileName() ?? undefined;
    if (lines.length === 0 && isOwn({ text: '', file, line: 0 })) continue;
    if (lines.length === KEPT_FRAMES) break;
    lines.push(`    at ${siteText(site, file)}`);
  }
  return lines.join('\n');
}

/** Frames as the `at …` lines of a stack. */
function formatFrames(frames: Frame[]): string {
  return frames.map((frame) => `    at ${frame.text}`).join('\n');
}

/** Where an executor's future keeps the stack of the `submit` that made it (in the submitting thread). */
export const ORIGIN: unique symbol = Symbol('threadkit.origin') as never;

/** A call site kept for a thread's error: its stack, and what the call was (`submitted at`). */
export interface Origin {
  /** The stack captured at the call (formatted only if an error needs it). */
  readonly stack: Error;
  /** The label of the block appended to the error. */
  readonly what: string;
}

/**
 * A stack captured here, unformatted (V8 formats `stack` on first read): cheap enough for every
 * `submit`. Read it with {@link originText} only when an error needs it.
 */
export function captureOrigin(): Error {
  return new Error();
}

/**
 * The block appended to a thread's error: `    --- <what> at ---` and the user frames of the
 * call that started it (empty when there are none).
 */
export function originText(what: string, origin: Error | string | undefined): string {
  if (origin === undefined) return '';
  const frames = typeof origin === 'string' ? parseFrames(origin) : userFrames(origin.stack);
  if (frames.length === 0) return '';
  return `\n    --- ${what} ---\n${formatFrames(frames)}`;
}

/**
 * Appends {@link originText} to `error`'s stack once (an Error whose stack is a string); other
 * thrown values are left alone.
 */
export function appendOrigin(error: unknown, what: string, origin: Error | string | undefined): void {
  if (!(error instanceof Error) || origin === undefined) return;
  const stack = error.stack;
  if (typeof stack !== 'string') return;
  const text = originText(what, origin);
  if (text === '' || stack.endsWith(text)) return;
  try {
    error.stack = stack + text;
  } catch {
    // A frozen error keeps its stack.
  }
}
