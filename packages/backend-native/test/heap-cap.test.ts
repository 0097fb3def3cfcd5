/**
 * The heap's cap through the package's entry, in child processes (THREADKIT_HEAP_MB is read
 * once, when the backend creates the heap): an invalid cap is the api's RangeError at import,
 * and a small cap is reached by a growing heap, then reported with outOfSharedMemory.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { heapCapBytes, outOfSharedMemory, type HeapStats } from '@threadkit/api/spi';
import { MIB } from './support';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

function node(heapMb: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args, {
    cwd: PACKAGE_DIR,
    env: { ...process.env, THREADKIT_HEAP_MB: heapMb },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function rangeErrorOf(heapMb: string): string {
  try {
    heapCapBytes(heapMb);
  } catch (error) {
    return `RangeError: ${(error as Error).message}`;
  }
  throw new Error(`THREADKIT_HEAP_MB=${heapMb} is valid`);
}

describe('THREADKIT_HEAP_MB', () => {
  it.each(['3000', 'abc', '8'])('refuses %s with the api RangeError at import', (heapMb) => {
    const r = node(heapMb, ['--input-type=module', '-e', "import '@threadkit/backend-native';"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(rangeErrorOf(heapMb));
  });

  it('grows the heap for threads allocating together, up to a 16 MiB cap, then throws outOfSharedMemory', () => {
    const r = node('16', [fileURLToPath(new URL('./fixtures/fill-heap.mjs', import.meta.url))]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const seen = JSON.parse(r.stdout) as {
      counts: number[];
      intact: boolean;
      filled: number;
      error: string;
      left: number;
      sizes: number[];
      full: HeapStats;
      after: HeapStats;
    };
    // 4 MiB at the start; 12 MiB of items made it grow to the cap.
    expect(seen.sizes).toEqual([4 * MIB, 16 * MIB]);
    expect(seen.counts).toEqual([16, 16, 16]);
    expect(seen.intact).toBe(true);
    // 256 KiB items up to the cap: well past the 12 MiB the threads had, short of 16 MiB.
    expect(seen.filled).toBeGreaterThan(48);
    expect(seen.filled).toBeLessThan(64);
    expect(seen.error).toBe(`RangeError: ${outOfSharedMemory(16 * MIB).message}`);
    expect(seen.left).toBe(seen.filled - 2);
    expect(seen.full.sizeBytes).toBe(16 * MIB);
    expect(seen.full.capBytes).toBe(16 * MIB);
    // Two items fewer: their blocks came back (less a few small blocks made meanwhile: the new
    // thread's record, which its view still names, and the parking lot's node of a thread that
    // waited for the first time, kept for its next wait).
    expect(seen.full.usedBytes - seen.after.usedBytes).toBeGreaterThanOrEqual(2 * 256 * 1024 - 1024);
    expect(seen.full.usedBytes).toBeGreaterThan(15 * MIB);
  });
});
