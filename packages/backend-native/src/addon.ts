/**
 * Loads the native addon, napi-rs style: a binary built in this package (`npm run build`)
 * first, then the per-platform package `@threadkit/backend-native-<platform>` that npm installs
 * as an optional dependency. When neither exists, the error says what to install.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ParkResult } from '@threadkit/api/spi';

/** The addon's functions (see `native/exports.rs`). Addresses are heap byte offsets; timeouts ms, `Infinity` forever. */
export interface NativeAddon {
  /** Attaches this thread to the heap (an Int32Array over the process's SharedArrayBuffer). */
  attach(i32: Int32Array): void;
  /** Prepares a fresh heap for allocation (main thread, once). */
  format(): void;
  /**
   * Allocates zeroed, 8-aligned shared memory: its address, or `-needed` when the heap must
   * first grow to `needed` bytes (nothing changed; grow the buffer, then call again). `i32` is
   * this thread's view of the heap, whose length the addon then publishes. Throws RangeError
   * for an impossible size.
   */
  alloc(bytes: number, i32: Int32Array): number;
  /** Frees a block from {@link NativeAddon.alloc}; throws RangeError for anything but a live block. */
  free(address: number): void;
  /** Bytes in allocated blocks, their headers included. */
  heapUsed(): number;
  /** Sleeps in this thread while the cell holds `expected`. */
  park(address: number, expected: number, timeoutMs: number): ParkResult;
  /** Waits on a native thread; the promise settles on this thread's event loop. */
  parkAsync(address: number, expected: number, timeoutMs: number, keepAlive: boolean): Promise<ParkResult>;
  /** Wakes up to `count` waiters (sync and async) of the cell; returns how many woke. */
  unpark(address: number, count: number): number;
  /**
   * The core lock's contended acquire: spins, then sleeps until released or timed out.
   * 1 acquired, 0 timed out, -1 interrupted because the process is exiting (call again).
   */
  lockAcquire(address: number, timeoutMs: number): 1 | 0 | -1;
  /** The calling OS thread's id. */
  threadId(): number;
  /** The process is exiting: wakes sleeping threads so Node can end them. */
  shutdown(): void;
  /** Each delivery of signal `signum` adds one to the cell and wakes its waiters, from a native thread: 1, or 0 where the platform has no signals. */
  watchSignal(signum: number, address: number): 1 | 0;
  /** Puts back the handler from before {@link NativeAddon.watchSignal}. */
  unwatchSignal(signum: number): void;
}

const PUBLISHED = ['linux-x64-gnu'];

/** This machine's platform key in napi-rs's naming (`linux-x64-gnu`, `darwin-arm64`, `win32-x64-msvc`, …). */
function platformKey(): string {
  const base = `${process.platform}-${process.arch}`;
  if (process.platform === 'win32') return `${base}-msvc`;
  if (process.platform !== 'linux') return base;
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return `${base}-${report?.header?.glibcVersionRuntime ? 'gnu' : 'musl'}`;
}

function load(): NativeAddon {
  const require = createRequire(import.meta.url);
  const key = platformKey();
  const local = fileURLToPath(new URL(`../threadkit-native.${key}.node`, import.meta.url));
  if (existsSync(local)) return require(local) as NativeAddon;
  const pkg = `@threadkit/backend-native-${key}`;
  try {
    return require(pkg) as NativeAddon;
  } catch (cause) {
    const missing = (cause as { code?: string }).code === 'MODULE_NOT_FOUND';
    throw new Error(
      `threadkit: @threadkit/backend-native has no native addon for this platform (${key}). ` +
        (PUBLISHED.includes(key)
          ? `Install ${pkg} (npm installs it as an optional dependency unless optional dependencies are omitted, e.g. --omit=optional), ` +
            'or build the addon from source with Rust (cargo on PATH): `npm run build` in a threadkit checkout.'
          : `Prebuilt binaries exist for ${PUBLISHED.join(', ')}; build one with Rust: \`npm run build:native\` in this package.`) +
        ' Or use @threadkit/backend-workers or @threadkit/backend-wasm, which need no binary.' +
        (missing ? '' : ` (loading ${pkg} failed: ${(cause as Error).message})`),
      { cause },
    );
  }
}

/** The addon, loaded once per thread. */
export const addon: NativeAddon = load();
