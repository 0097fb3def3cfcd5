/**
 * How big the shared heap may get, the same on every backend. The heap starts small
 * ({@link INITIAL_HEAP_BYTES}) and grows on demand — a growable SharedArrayBuffer, or
 * `memory.grow` for WebAssembly — up to a cap: `THREADKIT_HEAP_MB` MiB, default
 * {@link DEFAULT_HEAP_CAP_MB}. Addresses are byte offsets that must stay below 2^31 (they are
 * shifted as signed 32-bit integers), so the cap is at most {@link MAX_HEAP_CAP_MB} MiB.
 */

/** The smallest cap `THREADKIT_HEAP_MB` accepts, in MiB. */
export const MIN_HEAP_CAP_MB = 16;
/** The largest cap `THREADKIT_HEAP_MB` accepts, in MiB (addresses stay below 2^31). */
export const MAX_HEAP_CAP_MB = 2048;
/** The cap when `THREADKIT_HEAP_MB` is not set, in MiB: room for a queue of more than 1 GiB of items. */
export const DEFAULT_HEAP_CAP_MB = 2048;
/** The heap's size when the process starts (it grows from there). */
export const INITIAL_HEAP_BYTES = 4 * 1024 * 1024;

const MIB = 1024 * 1024;

/**
 * The heap cap in bytes, from `THREADKIT_HEAP_MB` (`value` defaults to the process's
 * environment). Throws a RangeError naming the variable and the accepted range for anything but
 * a whole number of MiB from {@link MIN_HEAP_CAP_MB} to {@link MAX_HEAP_CAP_MB}.
 */
export function heapCapBytes(value: string | undefined = environmentCap()): number {
  if (value === undefined || value.trim() === '') return DEFAULT_HEAP_CAP_MB * MIB;
  const mb = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || mb < MIN_HEAP_CAP_MB || mb > MAX_HEAP_CAP_MB) {
    throw new RangeError(
      `THREADKIT_HEAP_MB must be a whole number of MiB from ${MIN_HEAP_CAP_MB} to ${MAX_HEAP_CAP_MB}, not '${value}'`,
    );
  }
  return mb * MIB;
}

function environmentCap(): string | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.THREADKIT_HEAP_MB;
}

/** The heap's starting size for a cap of `capBytes`: {@link INITIAL_HEAP_BYTES}, or the cap when smaller. */
export function initialHeapBytes(capBytes: number): number {
  return Math.min(INITIAL_HEAP_BYTES, capBytes);
}

/**
 * The size to grow a heap of `currentBytes` to so that it holds at least `neededBytes`:
 * double it (or more when needed), rounded up to `granuleBytes` (a WebAssembly page is 65536),
 * never past `capBytes`. Returns 0 when `neededBytes` is past the cap.
 */
export function grownHeapBytes(currentBytes: number, neededBytes: number, capBytes: number, granuleBytes = 8): number {
  if (neededBytes > capBytes) return 0;
  const wanted = Math.max(neededBytes, currentBytes * 2);
  return Math.min(capBytes, Math.ceil(wanted / granuleBytes) * granuleBytes);
}

/** The one error for a full heap: it names the cap and the variable that raises it. */
export function outOfSharedMemory(capBytes: number): RangeError {
  return new RangeError(
    `out of shared memory: the heap reached its cap of ${Math.round(capBytes / MIB)} MiB ` +
      `(set THREADKIT_HEAP_MB to raise it, up to ${MAX_HEAP_CAP_MB})`,
  );
}

/**
 * A new, zeroed heap buffer for a cap of `capBytes`: a growable SharedArrayBuffer that starts at
 * {@link initialHeapBytes} and may grow up to `capBytes`, its `maxByteLength`. V8 reserves the
 * maximum up front, so the bytes never move while it grows.
 */
export function createHeapBuffer(capBytes: number): SharedArrayBuffer {
  return new SharedArrayBuffer(initialHeapBytes(capBytes), { maxByteLength: capBytes });
}

/**
 * Grows `buffer` (from {@link createHeapBuffer}) to hold at least `neededBytes`, by
 * {@link grownHeapBytes}'s policy; throws {@link outOfSharedMemory} when that is past the cap
 * (the buffer unchanged). Any thread may call it at any time: a grow that loses to a concurrent
 * larger one (a buffer never shrinks) is fine as long as the buffer is then long enough.
 */
export function growHeapBuffer(buffer: SharedArrayBuffer, neededBytes: number): void {
  const length = buffer.byteLength;
  if (length >= neededBytes) return;
  const grown = grownHeapBytes(length, neededBytes, buffer.maxByteLength);
  if (grown === 0) throw outOfSharedMemory(buffer.maxByteLength);
  try {
    buffer.grow(grown);
  } catch (error) {
    if (!(error instanceof RangeError) || buffer.byteLength < neededBytes) throw error;
  }
}
