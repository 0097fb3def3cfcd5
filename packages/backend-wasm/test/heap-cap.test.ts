/**
 * THREADKIT_HEAP_MB as the built package sees it at import, in child processes (it is read once,
 * when the main thread creates the Memory). Needs dist/ (`npm run build`).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const MIB = 1024 * 1024;
const entry = new URL('../dist/index.js', import.meta.url).href;

/** Imports the package in a child process with THREADKIT_HEAP_MB = `value` and prints heapStats(). */
function importWith(value: string | undefined): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.THREADKIT_HEAP_MB;
  if (value !== undefined) env.THREADKIT_HEAP_MB = value;
  const script = `const { heapStats } = await import(${JSON.stringify(entry)}); console.log(JSON.stringify(heapStats()));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('THREADKIT_HEAP_MB', () => {
  it.each(['3000', 'abc', '8', '16.5'])('%s: importing throws the api\'s RangeError', (value) => {
    const r = importWith(value);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`RangeError: THREADKIT_HEAP_MB must be a whole number of MiB from 16 to 2048, not '${value}'`);
  });

  it.each([
    [undefined, 2048],
    ['16', 16],
    ['2048', 2048],
  ])('%s: the heap starts at 4 MiB with a cap of %i MiB', (value, capMb) => {
    const r = importWith(value);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const stats = JSON.parse(r.stdout) as { usedBytes: number; sizeBytes: number; capBytes: number };
    expect(stats.sizeBytes).toBe(4 * MIB);
    expect(stats.capBytes).toBe(capMb * MIB);
    expect(stats.usedBytes).toBeGreaterThan(0);
  });
});
