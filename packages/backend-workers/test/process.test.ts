/**
 * The built package in child processes: THREADKIT_HEAP_MB checked at import, a heap that grows
 * under threads and stops at its cap, and two threads racing to free one block.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { outOfSharedMemory } from '@threadkit/api/spi';
import { MIB } from './heap-check';

/** Runs `script` (a file of ./fixtures, or inline ESM code when it has a newline or space) with THREADKIT_HEAP_MB = `heapMb`. */
function run(script: string, heapMb: string | undefined, args: string[] = []) {
  const inline = /\s/.test(script);
  const file = inline ? '--input-type=module' : fileURLToPath(new URL(`./fixtures/${script}`, import.meta.url));
  const env = { ...process.env };
  if (heapMb === undefined) delete env.THREADKIT_HEAP_MB;
  else env.THREADKIT_HEAP_MB = heapMb;
  const r = spawnSync(process.execPath, inline ? [file, '-e', script] : [file, ...args], {
    env,
    cwd: fileURLToPath(new URL('.', import.meta.url)),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('THREADKIT_HEAP_MB', () => {
  it.each(['3000', 'abc', '8'])('%s: importing the backend throws the cap RangeError', (value) => {
    const r = run(`await import('@threadkit/backend-workers');`, value);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`RangeError: THREADKIT_HEAP_MB must be a whole number of MiB from 16 to 2048, not '${value}'`);
  });

  it('unset: the heap starts at 4 MiB with a 2048 MiB cap', () => {
    const threads = new URL('./fixtures/threads.mjs', import.meta.url).href;
    const r = run(`const { inThread } = await import('${threads}'); console.log(JSON.stringify(inThread('reportHeap')));`, undefined);
    expect(r.stderr).toBe('');
    const stats = JSON.parse(r.stdout);
    expect(stats.sizeBytes).toBe(4 * MIB);
    expect(stats.capBytes).toBe(2048 * MIB);
    expect(stats.usedBytes).toBeGreaterThan(0);
  });
});

describe('a growing heap under threads', () => {
  it('grows past 4 MiB where every thread sees it, and past the cap throws outOfSharedMemory(cap), then works on', () => {
    const r = run('grow.mjs', '16');
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    expect(report.first.before).toBe(1.5);
    expect(report.first.stats.capBytes).toBe(16 * MIB);
    expect(report.first.stats.sizeBytes).toBeGreaterThan(8 * MIB);
    expect(report.first.stats.usedBytes).toBeGreaterThan(8 * MIB);
    expect(report.error).toBe(outOfSharedMemory(16 * MIB).message);
    expect(report.last).toBe(3.5);
    expect(report.small).toBe(7);
    expect(report.smallNow).toBe(8);
    expect(report.after.before).toBe(2.5);
  });

  it('a thread growing the heap with queue items while the main thread waits for them', () => {
    const r = run('queue-growth.mjs', '64', ['16']);
    expect(r.stderr).toBe('');
    const { intact, stats } = JSON.parse(r.stdout);
    expect(intact).toBe(16);
    expect(stats.sizeBytes).toBeGreaterThan(5 * MIB);
    expect(stats.capBytes).toBe(64 * MIB);
  });
});

describe('racing frees', () => {
  it('two threads freeing one block, 2000 rounds: exactly one succeeds each round', () => {
    const rounds = 2000;
    const r = run('free-race.mjs', undefined, [String(rounds)]);
    expect(r.stderr).toBe('');
    const [a, b] = JSON.parse(r.stdout);
    expect(a.won + b.won).toBe(rounds);
    expect(a.refused + b.refused).toBe(rounds);
    expect(a.badRounds).toBe(0);
  });
});
