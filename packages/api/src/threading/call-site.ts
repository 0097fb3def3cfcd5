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
  return `\n    --- ${what} ---\n${frames.map((frame) => `    at ${frame.text}`).join('\n')}`;
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
