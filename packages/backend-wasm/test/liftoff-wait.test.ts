/**
 * Regression test for Node 20's V8 (11.3) Liftoff bug: locals held in registers are clobbered
 * when memory.atomic.wait32 returns, so a loop around a wait in the same function ends early
 * (or never) and its locals read back as 0. The backend keeps every wait alone in
 * assembly/park.ts `parkCell` and builds without Binaryen's inliner (asconfig.json); this test
 * compiles a loop of 10 timed waits over that same park.ts with the same options, and checks
 * that it finishes with its counter intact. A control shows the test can see the bug.
 */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import asc from 'assemblyscript/asc';
import { describe, expect, it } from 'vitest';

const options = (JSON.parse(readFileSync(new URL('../asconfig.json', import.meta.url), 'utf8')) as { options: Record<string, unknown> }).options;
const park = readFileSync(new URL('../assembly/park.ts', import.meta.url), 'utf8');

const VIA_PARK = `
import { parkCell } from './park';
export function tenWaits(cell: u32): i32 {
  let count: i32 = 0;
  for (let i = 0; i < 10; i++) {
    parkCell(cell, 0, 1);
    count++;
  }
  return count;
}`;

const INLINE_WAIT = `
export function tenWaits(cell: u32): i32 {
  let count: i32 = 0;
  for (let i = 0; i < 10; i++) {
    memory.atomic.wait32(cell, 0, 1000000);
    count++;
  }
  return count;
}`;

/** Runs the probe's tenWaits in a worker thread (the miscompiled loop may never end). */
const RUNNER = `
const { parentPort, workerData: { binary } } = require('node:worker_threads');
const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
const { tenWaits } = new WebAssembly.Instance(new WebAssembly.Module(binary), { env: { memory, now: () => performance.now() } }).exports;
parentPort.postMessage(tenWaits(64));
`;

/** Compiles `source` (beside park.ts) with the package's options and runs it: its count, or 'hung' after 3 s. */
async function tenWaits(source: string): Promise<number | 'hung'> {
  const { outFile: _out, textFile: _text, ...compile } = options;
  const { binary, stderr } = await asc.compileString({ 'probe.ts': source, 'park.ts': park }, compile);
  if (binary === null) throw new Error(`asc failed: ${stderr.toString()}`);
  const worker = new Worker(RUNNER, { eval: true, workerData: { binary } });
  try {
    return await new Promise<number | 'hung'>((resolve, reject) => {
      const timer = setTimeout(() => resolve('hung'), 3000);
      worker.once('message', (count: number) => (clearTimeout(timer), resolve(count)));
      worker.once('error', reject);
    });
  } finally {
    await worker.terminate();
  }
}

describe('waits under Liftoff', () => {
  it('a loop of 10 timed waits through parkCell finishes and keeps its counter', async () => {
    expect(await tenWaits(VIA_PARK)).toBe(10);
  });

  it.runIf(process.versions.v8.startsWith('11.'))('control: the same loop with the wait inline is miscompiled on V8 11', async () => {
    expect(await tenWaits(INLINE_WAIT)).not.toBe(10);
  });
});
