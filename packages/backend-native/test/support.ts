/**
 * Helpers for the allocator tests: a fresh heap with its own NativeBackend, built from this
 * package's sources (so no backend is installed and no worker started), and a seeded PRNG.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createHeapBuffer, heapCapBytes } from '@threadkit/api/spi';
import { NativeBackend } from '../src/backend';

/** The first block's address on a fresh heap: blocks start at 1024 (`native/layout.rs`), after an 8-byte header. */
export const FIRST_BLOCK = 1024 + 8;

/** 1 MiB. */
export const MIB = 1024 * 1024;

/**
 * A backend over a fresh heap capped at `capMb` MiB, attached to this thread (replacing any heap
 * attached before: use one at a time).
 */
export function freshBackend(capMb = 16): NativeBackend {
  return new NativeBackend(createHeapBuffer(heapCapBytes(String(capMb))), true);
}

/**
 * Path of the addon this package built (in the package, else copied into its per-platform
 * package under npm/), for a worker that loads it directly.
 */
export function addonPath(): string {
  const root = fileURLToPath(new URL('..', import.meta.url));
  for (const dir of [root, ...readdirSync(root + 'npm').map((platform) => `${root}npm/${platform}/`)]) {
    const name = readdirSync(dir).find((file) => /^threadkit-native\..+\.node$/.test(file));
    if (name !== undefined) return dir + name;
  }
  throw new Error('the addon is not built: run npm run build');
}

/** A seeded PRNG (xorshift32): the same sequence in [0, 1) every run. */
export function prng(seed: number): () => number {
  let state = seed | 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

/** The size of the block a request for `bytes` takes: an 8-byte header, rounded up to 8, at least 24. */
export function blockSize(bytes: number): number {
  return Math.max(24, Math.ceil((bytes + 8) / 8) * 8);
}
