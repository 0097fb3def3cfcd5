import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as tk from '#backend';
import { runChild } from './support';
import { currentRuntime } from '../runtime';

// Inside a self-contained thread body, threadkit's exports are in scope (the thread compiles it
// with them); this file imports the API as a namespace so those bare names stay untouched.
declare const shared: typeof tk.shared;
declare const Queue: typeof tk.Queue;

/** This file as the runtime's stacks name it (a path or a URL), read from a stack made here. */
function thisFile(): string {
  const frame = (new Error().stack ?? '').split('\n').find((line) => line.includes('diagnostics-errors.test'));
  const match = /\(?((?:file:\/\/)?\/[^()]*?):\d+:\d+\)?$/.exec(frame?.trim() ?? '');
  if (match === null) throw new Error(`no frame of this file in ${new Error().stack}`);
  return match[1]!;
}

/**
 * `file:line:column` of the first `what` on the line marked `// marker` in `path`'s text. For a
 * `new X(…)` (`what` is `new X`) the column is the runtime's own: V8 names the `new`, JavaScriptCore
 * (Bun) the `(`.
 */
function locationOf(file: string, marker: string, what: string): string {
  const path = file.startsWith('file:') ? new URL(file).pathname : file;
  const lines = readFileSync(path, 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes(`// ${marker}`));
  if (index === -1) throw new Error(`no line marked ${marker} in ${path}`);
  const at = lines[index]!.indexOf(what);
  const column = what.startsWith('new ') && currentRuntime().name === 'bun' ? at + what.length : at;
  return `${file}:${index + 1}:${column + 1}`;
}

/**
 * True when `stack` has a frame of `fn` at `location` (`file:line:column`): `at fn (file:line:col)`
 * as V8 and JavaScriptCore print it, or `at fn (file, <anonymous>:line:col)` as Deno prints
 * evaluated code named by a sourceURL.
 */
function hasFrame(stack: string, fn: string, location: string): boolean {
  const at = location.lastIndexOf(':', location.lastIndexOf(':') - 1);
  const file = location.slice(0, at);
  const lineColumn = location.slice(at + 1);
  return stack.includes(`at ${fn} (${location})`) || stack.includes(`at ${fn} (${file}, <anonymous>:${lineColumn})`);
}

/** The text after the `--- what ---` line of an error's stack ('' when it has none). */
function after(stack: string, what: string): string {
  const at = stack.indexOf(`${what} ---`);
  return at === -1 ? '' : stack.slice(at);
}

function skipWithoutFiles(ctx: { skip: (reason: string) => void }): void {
  if (currentRuntime().name === 'unknown') ctx.skip('a browser names no files the thread could read the function from');
}

describe('diagnostics: errors that point at user code', () => {
  it('an error in a submitted task names the line and column that threw, then where it was submitted', (ctx) => {
    skipWithoutFiles(ctx);
    const file = thisFile();
    const ex = new tk.ThreadPoolExecutor(1);
    try {
      // prettier-ignore
      const future = ex.submit(function failingTask(n: number) { // TASK-SUBMIT
        const doubled = n * 2;
        throw new RangeError('failed with ' + doubled); // TASK-THROW
      }, 21);
      const error = future.exception() as Error;
      expect(error).toBeInstanceOf(RangeError);
      expect(error.message).toBe('failed with 42');
      const stack = error.stack ?? '';
      expect(hasFrame(stack, 'failingTask', locationOf(file, 'TASK-THROW', 'new RangeError')), stack).toBe(true);
      expect(stack).not.toContain('eval at compile');
      expect(after(stack, 'submitted at')).toContain(locationOf(file, 'TASK-SUBMIT', 'submit('));
    } finally {
      ex.shutdown();
    }
  });

  it('an uncaught error in a thread names its line, then where start() was called', (ctx) => {
    skipWithoutFiles(ctx);
    const file = thisFile();
    const log = tk.shared('conformance.diagnostics-errors.log', () => new tk.Queue());
    tk.setExcepthook((args: tk.ExceptHookArgs) => {
      shared('conformance.diagnostics-errors.log', () => new Queue()).put(args.excTraceback);
    });
    try {
      const t = new tk.Thread({
        name: 'frames',
        target: (label: string) => {
          const text = 'thread ' + label;
          throw new Error(text); // THREAD-THROW
        },
        args: ['failed'],
      });
      t.start(); // THREAD-START
      t.join();
      const stack = log.get(true, 10_000) as string;
      expect(stack).toContain('Error: thread failed');
      expect(hasFrame(stack, 'target', locationOf(file, 'THREAD-THROW', 'new Error')), stack).toBe(true);
      expect(after(stack, 'started at')).toContain(locationOf(file, 'THREAD-START', 'start()'));
    } finally {
      tk.setExcepthook(undefined);
    }
  });

  it('in plain JavaScript the frames are exact; the excepthook report is on stderr before join() returns', (ctx) => {
    if (currentRuntime().name !== 'node') ctx.skip('runs a Node child process');
    const r = runChild('child-error-frames.mjs');
    const fixture = new URL('../fixtures/child-error-frames.mjs', import.meta.url).href;
    const report = r.stderr.indexOf('Exception in thread frames-thread:');
    expect(report).toBeGreaterThanOrEqual(0);
    expect(r.stderr.indexOf('MAIN: joined')).toBeGreaterThan(report);
    const threadReport = r.stderr.slice(report, r.stderr.indexOf('MAIN: joined'));
    expect(threadReport).toContain(`at target (${locationOf(fixture, 'THREAD-THROW', 'new RangeError')})`);
    expect(after(threadReport, 'started at')).toContain(locationOf(fixture, 'THREAD-START', 'start()'));
    const taskReport = r.stderr.slice(r.stderr.indexOf('MAIN: result raised'));
    expect(taskReport).toContain(`at failingTask (${locationOf(fixture, 'TASK-THROW', 'new TypeError')})`);
    expect(after(taskReport, 'submitted at')).toContain(locationOf(fixture, 'TASK-SUBMIT', 'submit('));
    expect(r.status).toBe(0);
  });
});
