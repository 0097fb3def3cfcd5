/**
 * The api's process-wide roots: fixed 4-byte cells in the first {@link API_ROOT_BYTES} bytes
 * of the shared heap (zero at start). Each module that needs a process-wide cell names its
 * slot here, so the layout is visible in one place.
 */
import { API_ROOT_BYTES } from './spi';

/** The roots' block: they are fields of the block at address 0. */
export const ROOT = 0;

/** Byte offsets of the root cells. */
export const Root = {
  /** Last thread ident handed out (main takes 1). */
  identCounter: 0,
  /** Live non-daemon threads other than main; the process stays alive while > 0. */
  nonDaemonCount: 4,
  /** Core lock guarding the thread table. */
  threadTableLock: 8,
  /** Address of the first record in the table of live threads (0 = none). */
  threadTableHead: 12,
  /** Core lock guarding the shared-object registry (`shared(name, factory)`). */
  registryLock: 16,
  /** Address of the registry's first entry (0 = none). */
  registryHead: 20,
  /** Bumped each time `setExcepthook` installs a new hook. */
  excepthookVersion: 24,
  /** Heap address of the encoded excepthook source (0 = the default hook). */
  excepthookSource: 28,
  /** Counter behind default thread names (`Thread-N`). */
  threadNameCounter: 32,
  /** Counter behind default executor names (`ThreadPoolExecutor-N`). */
  executorCounter: 36,
  /** Address of the main thread's record. */
  mainThreadRecord: 40,
  /** Live threads in the table (for `activeCount`). */
  liveThreadCount: 44,
  /** Core lock held while `excepthookSource` is swapped or its block decoded (no reader sees it freed). */
  excepthookLock: 48,
  /** Counter behind the ids of `local()` objects (which take no heap). */
  localCounter: 52,
  /** Address of the parking lot's bucket table (parking/lot.ts; 0 until a thread first parks). */
  parkingLot: 60,
  /** Deadlock watch (diagnostics/deadlock-mode.ts): 0 off, 1 warn, 2 raise. */
  deadlockMode: 68,
  /** 1 when waits record the JS stack where they blocked (diagnostics/wait-state.ts). */
  waitStacks: 72,
  /** Core lock held while a thread that starts a wait looks for a cycle it closes (one at a time). */
  deadlockLock: 76,
  /** The signal number that makes the process print a thread dump (0 = none; diagnostics/dump-signal.ts). */
  dumpSignal: 80,
  /** Who listens for {@link Root.dumpSignal}: 0 nobody yet, 1 the supervisor, 2 the supervisor cannot (main does). */
  dumpSignalListener: 84,
  /** Core lock guarding the lists of shared Locks and RLocks (diagnostics/lock-registry.ts). */
  lockListLock: 88,
  /** Address of the first shared Lock's block (0 = none). */
  lockListHead: 92,
  /** Address of the first shared RLock's block (0 = none). */
  rlockListHead: 96,
  /** Bumped (and woken) when an executor task's hard-stop time is set (futures/hard-stop.ts); the supervisor's watch parks on it. */
  hardStopBell: 100,
  /** f64 (8 bytes: 120–127): when the hard-stop watch next wakes by itself (0 while it scans: every new stop time rings). */
  hardStopNext: 120,
  /** The trace being recorded (diagnostics/trace.ts): 0 none, else its number. */
  trace: 128,
  /** Last trace number handed out. */
  traceCounter: 132,
  /** The second (since the Unix epoch) the current trace started: its events' times count from it. */
  traceEpoch: 136,
  /** Bumped (and woken) by each thread dump asked for through the inspector (diagnostics/dump-request.ts); the supervisor prints one. */
  dumpRequests: 140,
  /** A block queue (BLOCK_QUEUE_BYTES, 20: 144–163) of threads that need a dedicated worker (host/dedicated-workers.ts). */
  dedicatedQueue: 144,
  // The two cells written at a high rate from several threads sit on a 64-byte line of their own
  // (192–255), away from the cells every thread reads on its hot paths (`parkingLot`, `trace`,
  // `deadlockMode`, `waitStacks`): a write to a line makes every other core's copy of it stale.
  /** Threads spinning in a wait now (parking/spin.ts lets at most one per core spin at once). */
  spinners: 192,
  /** Last future id handed out (futures/future-core.ts). */
  futureIdCounter: 224,
} as const;

const last = Math.max(...Object.values(Root));
if (last + 8 > API_ROOT_BYTES) throw new Error('threadkit: api roots overflow API_ROOT_BYTES');
