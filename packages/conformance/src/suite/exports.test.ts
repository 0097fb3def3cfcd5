import { describe, expect, it } from 'vitest';
import * as backend from '#backend';

/**
 * The user API: every name a backend package exports at run time, and nothing else. Python's
 * names first (threading, queue, concurrent.futures, their exceptions), then threadkit's
 * documented additions. The SPI and the host helpers are `@threadkit/api/spi` and
 * `@threadkit/api/node`, for backend authors, never a backend package's exports. A new user-facing
 * name goes here together with its documentation.
 */
const USER_API = {
  threading: [
    'Thread', 'MainThread', 'currentThread', 'mainThread', 'getIdent', 'getNativeId', 'enumerate', 'activeCount',
    'excepthook', 'setExcepthook', 'getExcepthook', 'defaultExcepthook', 'local', 'Timer', 'TIMEOUT_MAX',
    'Lock', 'RLock', 'Condition', 'Semaphore', 'BoundedSemaphore', 'Event', 'Barrier', 'BrokenBarrierError',
  ],
  queue: ['Queue', 'LifoQueue', 'PriorityQueue', 'SimpleQueue', 'Empty', 'Full', 'ShutDown'],
  'concurrent.futures': [
    'Future', 'Executor', 'ThreadPoolExecutor', 'wait', 'asCompleted', 'FIRST_COMPLETED', 'FIRST_EXCEPTION', 'ALL_COMPLETED',
    'CancelledError', 'TimeoutError', 'InvalidStateError', 'BrokenExecutor', 'BrokenThreadPool',
  ],
  // Python's RuntimeError and NotImplementedError, and `time.sleep`.
  builtins: ['RuntimeError', 'NotImplementedError', 'sleep'],
  // Beyond Python: async forms that are functions, thread targets by module, `with` as a guard,
  // shared values, the codec, memory, diagnostics.
  threadkit: [
    'sleepAsync', 'waitAsync', 'AsCompletedIterator', 'task', 'TaskRef', 'Guard', 'taskSignal',
    'Value', 'SharedArray', 'shared', 'encode', 'decode', 'registerErrorClass', 'heapStats',
  ],
  // Beyond Python: seeing inside a running program (thread dump, deadlock detection, tracing).
  diagnostics: [
    'dumpThreads', 'detectDeadlocks', 'setDeadlockMode', 'getDeadlockMode', 'setDumpStacks', 'enableDumpOnSignal',
    'DeadlockError', 'startTrace', 'stopTrace',
  ],
};

describe('exports', () => {
  const allowed = Object.values(USER_API).flat();
  const exported = Object.keys(backend);

  it('the backend exports the whole user API', () => {
    expect(allowed.filter((name) => !exported.includes(name))).toEqual([]);
  });

  it('the backend exports nothing but the user API (no SPI, host helper or backend class)', () => {
    expect(exported.filter((name) => !allowed.includes(name)).sort()).toEqual([]);
  });
});
