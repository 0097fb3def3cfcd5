/**
 * The allocator across threads: racing frees of one block, two threads allocating while the
 * heap grows, and another thread's growth seen through this thread's heap views. The other
 * thread is a worker that instantiates the module over the same Memory; the threads hand off
 * through Atomics cells in a control block, never by sleeping.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { WasmBackend } from '../src/backend';
import { wasmModule } from '../src/instance';
import { freshBackend } from './support';

const MIB = 1024 * 1024;
const API = createRequire(import.meta.url).resolve('@threadkit/api/spi');

/**
 * Runs `body` in a worker with `wasm` (the module's exports over `memory`), `cells` (an
 * Int32Array over the first page, where the control block is) and `control` (its address) in
 * scope; resolves with what the body returns.
 */
function inWorker(b: WasmBackend, control: number, body: string): Promise<unknown> {
  const source = `
const { parentPort, workerData: { memory, module, api, control } } = require('node:worker_threads');
const { grownHeapBytes } = require(api);
const wasm = new WebAssembly.Instance(module, { env: { memory, now: () => performance.now(), grownHeapBytes } }).exports;
const cells = new Int32Array(memory.buffer, 0, 16384);
parentPort.postMessage((() => { ${body} })());`;
  const worker = new Worker(source, { eval: true, workerData: { memory: b.memory, module: wasmModule(), api: API, control } });
  return new Promise((resolve, reject) => {
    worker.once('message', (value: unknown) => void worker.terminate().then(() => resolve(value)));
    worker.once('error', reject);
  });
}

/** Waits (Atomics.wait: a Node main thread may block) until the cell at `index` holds `value`. */
function awaitCell(i32: Int32Array, index: number, value: number): void {
  for (let seen = Atomics.load(i32, index); seen !== value; seen = Atomics.load(i32, index)) Atomics.wait(i32, index, seen);
}

/** A control block of `words` cells in the first page (the worker's `cells` view covers only that). */
function controlBlock(b: WasmBackend, words: number): number {
  const control = b.alloc(words * 4);
  expect(control + words * 4).toBeLessThanOrEqual(65536);
  return control;
}

describe('allocator across threads', () => {
  it('of two threads freeing the same block at once, exactly one succeeds (2000 rounds)', async () => {
    const b = freshBackend();
    const control = controlBlock(b, 4); // [round, address, worker's result, round the worker finished]
    const at = control >> 2;
    const start = b.heapStats().usedBytes;
    const rounds = 2000;
    const worker = inWorker(
      b,
      control,
      `const at = control >> 2;
      for (let round = 1; round <= ${rounds}; round++) {
        for (let seen = Atomics.load(cells, at); seen !== round; seen = Atomics.load(cells, at)) Atomics.wait(cells, at, seen);
        Atomics.store(cells, at + 2, wasm.free(Atomics.load(cells, at + 1)));
        Atomics.store(cells, at + 3, round);
        Atomics.notify(cells, at + 3);
      }`,
    );
    for (let round = 1; round <= rounds; round++) {
      // A neighbour freed after the race keeps merges going on around the raced block.
      const block = b.alloc(8 + (round % 7) * 40);
      const neighbour = b.alloc(16);
      Atomics.store(b.heap.i32, at + 1, block);
      Atomics.store(b.heap.i32, at, round);
      Atomics.notify(b.heap.i32, at);
      let mine = 1;
      try {
        b.free(block);
      } catch (error) {
        expect((error as Error).message).toMatch(/not an allocated block/);
        mine = 0;
      }
      awaitCell(b.heap.i32, at + 3, round);
      expect(mine + Atomics.load(b.heap.i32, at + 2)).toBe(1);
      b.free(neighbour);
    }
    await worker;
    expect(b.heapStats().usedBytes).toBe(start);
  });

  it('two threads allocating and freeing at once (the heap growing meanwhile) never share a byte', async () => {
    const b = freshBackend({}, 256);
    const control = controlBlock(b, 2); // [go, worker's bad blocks]
    const at = control >> 2;
    const start = b.heapStats().usedBytes;
    // Each thread fills its blocks with its own byte and checks them (every 61st byte and the last) before freeing them.
    const churn = (ops: number, seed: number, fill: (address: number, bytes: number) => void, intact: (address: number, bytes: number) => boolean, alloc: (bytes: number) => number, free: (address: number) => void): number => {
      let bad = 0;
      let x = seed;
      const live: [number, number][] = [];
      for (let i = 0; i < ops; i++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        // Frees 45% of the time (from the high bits: an LCG's low bits cycle), so the live set grows.
        if (live.length > 0 && (x >>> 16) % 100 < 45) {
          const [address, bytes] = live.splice((x >>> 8) % live.length, 1)[0]!;
          if (!intact(address, bytes)) bad++;
          free(address);
        } else {
          const bytes = 8 + ((x >>> 4) % (i % 64 === 0 ? 1_000_000 : 2000));
          const address = alloc(bytes);
          fill(address, bytes);
          live.push([address, bytes]);
        }
      }
      for (const [address, bytes] of live) {
        if (!intact(address, bytes)) bad++;
        free(address);
      }
      return bad;
    };
    const worker = inWorker(
      b,
      control,
      `const at = control >> 2;
      for (let seen = Atomics.load(cells, at); seen === 0; seen = Atomics.load(cells, at)) Atomics.wait(cells, at, seen);
      const churn = ${churn.toString()};
      const bad = churn(20000, 7,
        (address, bytes) => new Uint8Array(memory.buffer).fill(0xbb, address, address + bytes),
        (address, bytes) => { const u8 = new Uint8Array(memory.buffer); for (let i = address; i < address + bytes; i += 61) if (u8[i] !== 0xbb) return false; return u8[address + bytes - 1] === 0xbb; },
        (bytes) => wasm.alloc(bytes),
        (address) => { if (wasm.free(address) !== 1) throw new Error('free failed at ' + address); });
      Atomics.store(cells, at + 1, bad);
      return bad;`,
    );
    Atomics.store(b.heap.i32, at, 1);
    Atomics.notify(b.heap.i32, at);
    const bad = churn(
      20000,
      3,
      (address, bytes) => b.heap.u8.fill(0xaa, address, address + bytes),
      (address, bytes) => {
        const u8 = b.heap.u8;
        for (let i = address; i < address + bytes; i += 61) if (u8[i] !== 0xaa) return false;
        return u8[address + bytes - 1] === 0xaa;
      },
      (bytes) => b.alloc(bytes),
      (address) => b.free(address),
    );
    expect(bad).toBe(0);
    expect(await worker).toBe(0);
    expect(b.heapStats().usedBytes).toBe(start);
    expect(b.heapStats().sizeBytes).toBeGreaterThanOrEqual(16 * MIB);
  });

  it("a block carved from memory another thread grew is readable through this thread's heap views", async () => {
    const b = freshBackend({}, 16);
    const heap = b.heap;
    const before = heap.u8;
    const control = controlBlock(b, 1); // the worker's block
    const used = b.heapStats().usedBytes;
    const bytes = 6 * MIB;
    await inWorker(
      b,
      control,
      `const block = wasm.alloc(${bytes});
      new Uint8Array(memory.buffer).fill(0x5a, block + ${bytes} - 16, block + ${bytes});
      Atomics.store(cells, control >> 2, block);`,
    );
    const block = Atomics.load(heap.i32, control >> 2);
    expect(block + bytes).toBeGreaterThan(before.length);
    expect(b.heapStats().sizeBytes).toBe(8 * MIB);
    expect(heap.u8.length).toBe(8 * MIB);
    expect([...heap.u8.subarray(block + bytes - 16, block + bytes)]).toEqual(new Array(16).fill(0x5a));
    expect(heap.u32[(block + bytes - 4) >> 2]).toBe(0x5a5a5a5a);
    b.free(block);
    expect(b.heapStats().usedBytes).toBe(used);
  });
});
