/**
 * Wasm's memory.atomic.wait32/notify and JS's Atomics.waitAsync/notify meet on the same cells:
 * parkAsync is JS (Atomics.waitAsync) while unpark is wasm, so a wasm notify must wake a JS
 * async waiter, and a wasm park in another thread must wake from either side.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { wasmModule } from '../src/instance';
import { freshBackend } from './support';

/** A thread that parks in wasm on `cell` (expecting 0) and posts the result. */
const PARKER = `
const { parentPort, workerData: { memory, module, cell, ready } } = require('node:worker_threads');
const wasm = new WebAssembly.Instance(module, { env: { memory, now: () => performance.now(), grownHeapBytes: () => 0 } }).exports;
Atomics.store(new Int32Array(memory.buffer), ready >> 2, 1);
parentPort.postMessage(wasm.parkCell(cell, 0, 10000));
`;

function parkInThread(memory: WebAssembly.Memory, cell: number, ready: number): Promise<number> {
  const worker = new Worker(PARKER, { eval: true, workerData: { memory, module: wasmModule(), cell, ready } });
  return new Promise((resolve, reject) => {
    worker.once('message', (code: number) => void worker.terminate().then(() => resolve(code)));
    worker.once('error', reject);
  });
}

/** Unparks `cell` until one waiter woke (the parker may not have reached its wait yet). */
async function wakeOne(wake: () => number): Promise<void> {
  while (wake() === 0) await new Promise((r) => setTimeout(r, 2));
}

describe('wasm and JS parking interoperate', () => {
  it('a wasm notify wakes a JS Atomics.waitAsync waiter', async () => {
    const b = freshBackend();
    const cell = b.alloc(4);
    const pending = b.parkAsync(cell, 0, 10_000);
    expect(b.unpark(cell, 1)).toBe(1);
    expect(await pending).toBe('ok');
  });

  it('unpark with count Infinity wakes every async waiter', async () => {
    const b = freshBackend();
    const cell = b.alloc(4);
    const waiters = [b.parkAsync(cell, 0, 10_000), b.parkAsync(cell, 0, 10_000), b.parkAsync(cell, 0, 10_000)];
    expect(b.unpark(cell, Infinity)).toBe(3);
    expect(await Promise.all(waiters)).toEqual(['ok', 'ok', 'ok']);
  });

  it('a wasm park in another thread is woken by a wasm notify and by Atomics.notify', async () => {
    const b = freshBackend();
    for (const wake of [(cell: number) => b.unpark(cell, 1), (cell: number) => Atomics.notify(b.heap.i32, cell >> 2, 1)]) {
      const cell = b.alloc(4);
      const ready = b.alloc(4);
      const result = parkInThread(b.memory, cell, ready);
      while (Atomics.load(b.heap.i32, ready >> 2) === 0) await new Promise((r) => setTimeout(r, 2));
      await wakeOne(() => wake(cell));
      expect(await result).toBe(0);
    }
  });
});
