import { afterEach, describe, expect, it } from 'vitest';
import * as tk from '#backend';
import { fx, runChild } from './support';

/** The process-wide log the fixtures' recordingHook appends to (same name as in the fixture). */
function hookLog(): tk.Queue {
  return tk.shared('conformance.excepthook.log', () => new tk.Queue());
}

// Inside a self-contained thread body, threadkit's exports are in scope (the thread compiles it
// with them); this file imports the API as a namespace so those bare names stay untouched.
declare const shared: typeof tk.shared;
declare const Queue: typeof tk.Queue;
declare const currentThread: typeof tk.currentThread;
declare const getExcepthook: typeof tk.getExcepthook;
declare const defaultExcepthook: typeof tk.defaultExcepthook;

afterEach(() => {
  tk.setExcepthook(undefined);
});

describe('excepthook', () => {
  it('default hook prints "Exception in thread NAME:" and the stack; the process lives on', () => {
    const r = runChild('child-excepthook.mjs');
    expect(r.stderr).toContain('Exception in thread failing-thread:');
    expect(r.stderr).toContain('boom from thread');
    expect(r.stdout).toContain('still alive false');
    expect(r.status).toBe(0);
  });

  it('a hook set with setExcepthook receives type, value, traceback and thread', () => {
    const log = hookLog();
    tk.setExcepthook(fx('recordingHook'));
    const t = new tk.Thread({ target: fx('throwError'), args: ['bad thing'], name: 'thrower' });
    t.start();
    t.join();
    expect(log.get(true, 10_000)).toEqual({ thread: 'thrower', sameThread: true, type: 'Error', message: 'bad thing', hasTraceback: true });
  });

  it('the rejection of an async target goes to the hook', () => {
    const log = hookLog();
    tk.setExcepthook(fx('recordingHook'));
    const t = new tk.Thread({ target: fx('rejectAsync'), args: ['async bad'], name: 'async-thrower' });
    t.start();
    t.join();
    expect(log.get(true, 10_000)).toMatchObject({ thread: 'async-thrower', type: 'RangeError', message: 'async bad' });
  });

  it('a thrown non-Error value reaches the hook with no type and no traceback', () => {
    const log = hookLog();
    tk.setExcepthook(fx('recordingHook'));
    const t = new tk.Thread({ target: () => { throw 'plain string'; }, name: 'string-thrower' });
    t.start();
    t.join();
    expect(log.get(true, 10_000)).toEqual({ thread: 'string-thrower', sameThread: true, type: null, message: 'plain string', hasTraceback: false });
  });

  it('a self-contained hook function may use threadkit names (in scope in every thread)', () => {
    const log = tk.shared('conformance.excepthook.inline', () => new tk.Queue());
    tk.setExcepthook((args: tk.ExceptHookArgs) => {
      shared('conformance.excepthook.inline', () => new Queue()).put(`${args.thread?.name}:${(args.excValue as Error).message}:${args.thread === currentThread()}`);
    });
    const t = new tk.Thread({ target: () => { throw new Error('inline hook'); }, name: 'inline-thrower' });
    t.start();
    t.join();
    expect(log.get(true, 10_000)).toBe('inline-thrower:inline hook:true');
  });

  it('the failing thread has ended when join returns, and later threads run', () => {
    tk.setExcepthook(fx('recordingHook'));
    const t = new tk.Thread({ target: fx('throwError'), args: ['x'] });
    t.start();
    t.join();
    expect(t.isAlive()).toBe(false);
    const out = new tk.Queue();
    const u = new tk.Thread({ target: (q: tk.Queue) => q.put('ok'), args: [out] });
    u.start();
    u.join();
    expect(out.get(true, 10_000)).toBe('ok');
    hookLog().get(true, 10_000);
  });

  it('a hook that throws does not crash the process or hang the joiner', () => {
    tk.setExcepthook(fx('failingHook'));
    const t = new tk.Thread({ target: fx('throwError'), args: ['first'] });
    t.start();
    t.join();
    expect(t.isAlive()).toBe(false);
    const v = new tk.Value('i', 0);
    const u = new tk.Thread({ target: (c: tk.Value) => { c.value = 7; }, args: [v] });
    u.start();
    u.join();
    expect(v.value).toBe(7);
  });

  it('exceptions of executor tasks go to their future, not to the excepthook', () => {
    const log = hookLog();
    tk.setExcepthook(fx('recordingHook'));
    const ex = new tk.ThreadPoolExecutor(1);
    const f = ex.submit(() => { throw new TypeError('in task'); });
    expect(f.exception()).toBeInstanceOf(TypeError);
    ex.shutdown();
    const t = new tk.Thread({ target: fx('throwError'), args: ['from thread'], name: 'after-pool' });
    t.start();
    t.join();
    expect(log.get(true, 10_000)).toMatchObject({ thread: 'after-pool', message: 'from thread' });
    expect(log.qsize()).toBe(0);
  });

  it('setExcepthook(undefined) restores the default hook', () => {
    const log = hookLog();
    tk.setExcepthook(fx('recordingHook'));
    tk.setExcepthook(undefined);
    const t = new tk.Thread({ target: fx('throwError'), args: ['to stderr'] });
    t.start();
    t.join();
    expect(log.qsize()).toBe(0);
  });
});

describe('excepthook: Python parity', () => {
  it('the default hook without a thread prints "Exception in thread <ident>:" with the caller\'s ident', () => {
    const r = runChild('child-excepthook.mjs', ['no-thread']);
    const ident = /ident (\d+)/.exec(r.stdout)?.[1];
    expect(ident).toBeDefined();
    expect(r.stderr).toContain(`Exception in thread ${ident}:`);
    expect(r.stderr).toContain('hookless');
    expect(r.stderr).not.toContain('unknown thread');
  });

  it('getExcepthook() reads the installed hook; setExcepthook(defaultExcepthook) restores the default', () => {
    expect(tk.getExcepthook()).toBe(tk.defaultExcepthook);
    const hook = fx('recordingHook');
    tk.setExcepthook(hook);
    expect(tk.getExcepthook()).toBe(hook);
    tk.setExcepthook(tk.defaultExcepthook);
    expect(tk.getExcepthook()).toBe(tk.defaultExcepthook);
    // The default is back in force: a failing thread prints, and the recording hook logs nothing.
    tk.setExcepthook(hook);
    const saved = tk.getExcepthook();
    tk.setExcepthook(undefined);
    tk.setExcepthook(saved);
    const log = hookLog();
    const t = new tk.Thread({ target: fx('throwError'), args: ['after restore'], name: 'restored' });
    t.start();
    t.join();
    expect((log.get(true, 10_000) as { message: string }).message).toBe('after restore');
  });

  it('another thread reads the hook installed by main: a function as its own copy, a task() reference as one', () => {
    const read = (): unknown => {
      const out = new tk.Queue();
      const t = new tk.Thread({
        target: (q: tk.Queue) => {
          const hook = getExcepthook();
          q.put([typeof hook === 'function' ? 'function' : (hook as tk.TaskRef).exportName, hook !== defaultExcepthook]);
        },
        args: [out],
      });
      t.start();
      t.join();
      return out.get(true, 10_000);
    };
    tk.setExcepthook((args: tk.ExceptHookArgs) => void args);
    expect(read()).toEqual(['function', true]);
    tk.setExcepthook(fx('recordingHook'));
    expect(read()).toEqual(['recordingHook', true]);
  });
});
