/** The allocator, run in wasm over a fresh Memory (one thread; see allocator-threads.test.ts for more). */
import { describe, expect, it } from 'vitest';
import { API_ROOT_BYTES, outOfSharedMemory } from '@threadkit/api/spi';
import { freshBackend } from './support';

const MIB = 1024 * 1024;

/** A seeded PRNG (mulberry32): the same sequence on every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Bytes a block for a request of `n` bytes takes: its header included, rounded up to 8, at least 24. */
function blockBytes(n: number): number {
  return Math.max(24, (n + 8 + 7) & ~7);
}

describe('allocator', () => {
  it('hands out zeroed, 8-aligned blocks past the roots, and reuses freed ones', () => {
    const b = freshBackend();
    const a = b.alloc(24);
    expect(a % 8).toBe(0);
    expect(a).toBeGreaterThan(API_ROOT_BYTES);
    b.alloc(8); // keeps `a` off the top, so freeing it leaves a free block
    b.heap.u8.fill(0xff, a, a + 24);
    b.free(a);
    const again = b.alloc(20);
    expect(again).toBe(a);
    expect([...b.heap.u8.subarray(again, again + 24)].every((x) => x === 0)).toBe(true);
    const c = b.alloc(0);
    expect(c).not.toBe(again);
  });

  it('refuses a double free, a foreign address and impossible sizes', () => {
    const b = freshBackend();
    const a = b.alloc(8);
    b.alloc(8);
    b.free(a);
    const notAllocated = /free of an address that is not an allocated block/;
    expect(() => b.free(a)).toThrow(notAllocated);
    for (const bad of [0, 12, a + 4, a + 8, 2 ** 32 + a, -a, 1.5, NaN, 64 * MIB]) expect(() => b.free(bad)).toThrow(notAllocated);
    for (const bad of [-1, 2 ** 30 + 1, 2 ** 31, NaN]) expect(() => b.alloc(bad)).toThrow(`cannot allocate ${bad} bytes of shared memory`);
  });

  it('counts the bytes of allocated blocks, headers included, in heapStats().usedBytes', () => {
    const b = freshBackend();
    const start = b.heapStats().usedBytes;
    const sizes = [0, 1, 16, 17, 100, 511, 512, 4096, 70_000];
    const blocks = sizes.map((n) => b.alloc(n));
    expect(b.heapStats().usedBytes - start).toBe(sizes.reduce((sum, n) => sum + blockBytes(n), 0));
    for (const block of blocks) b.free(block);
    expect(b.heapStats().usedBytes).toBe(start);
  });

  it('merges a freed block with free neighbours on both sides, and gives the top block back to the wilderness', () => {
    const b = freshBackend();
    const [x, y, z, guard] = [b.alloc(100), b.alloc(100), b.alloc(100), b.alloc(100)];
    const size = blockBytes(100);
    b.free(x);
    b.free(z);
    b.free(y); // now one free block of three
    expect(b.alloc(3 * size - 8)).toBe(x);
    b.free(x);
    b.free(guard); // the last block: the top comes down over it and over the free block before it
    expect(b.alloc(4 * size - 8)).toBe(x);
  });

  it('splits a larger free block, and takes one whole when the rest is too small for a block', () => {
    const b = freshBackend();
    const big = b.alloc(1000);
    b.alloc(8);
    b.free(big);
    const first = b.alloc(100);
    expect(first).toBe(big);
    const second = b.alloc(blockBytes(1000) - blockBytes(100) - 8 - 16); // leaves 16 bytes: no block
    expect(second).toBe(big + blockBytes(100));
    const start = b.heapStats().usedBytes;
    b.free(second);
    expect(start - b.heapStats().usedBytes).toBe(blockBytes(1000) - blockBytes(100));
  });

  it('survives churn of mixed sizes far past the cap in total, and coalesces back to one heap', () => {
    const b = freshBackend({}, 16);
    const random = prng(10);
    const start = b.heapStats();
    const live: { address: number; bytes: number; id: number }[] = [];
    let liveBytes = 0;
    let total = 0;
    const check = ({ address, bytes, id }: { address: number; bytes: number; id: number }): void => {
      // Each block carries its id at both ends: an overlap with another block would overwrite one.
      const u8 = b.heap.u8;
      expect(u8[address]).toBe(id & 0xff);
      expect(u8[address + bytes - 1]).toBe((id >> 8) & 0xff);
    };
    for (let id = 1; id <= 20_000; id++) {
      const bytes = Math.max(1, Math.floor(8 * 2 ** (random() * 17))); // 8 B … 1 MiB, log-uniform
      while (liveBytes + bytes > 8 * MIB || (live.length > 0 && random() < 0.3)) {
        const [gone] = live.splice(Math.floor(random() * live.length), 1);
        check(gone!);
        b.free(gone!.address);
        liveBytes -= gone!.bytes;
      }
      const address = b.alloc(bytes);
      const u8 = b.heap.u8;
      expect(u8[address]).toBe(0);
      expect(u8[address + bytes - 1]).toBe(0);
      u8[address] = id & 0xff;
      u8[address + bytes - 1] = (id >> 8) & 0xff;
      live.push({ address, bytes, id });
      liveBytes += bytes;
      total += bytes;
    }
    expect(total).toBeGreaterThan(50 * start.capBytes);
    for (const block of live) {
      check(block);
      b.free(block.address);
    }
    const end = b.heapStats();
    expect(end.usedBytes).toBe(start.usedBytes);
    expect(end.sizeBytes).toBe(16 * MIB);
    // Everything came back as one stretch: nearly the whole heap fits in one block.
    b.free(b.alloc(16 * MIB - 4096));
  });
});

describe('heap growth', () => {
  it('starts at 4 MiB and grows the Memory on demand up to the cap, with the views following', () => {
    const b = freshBackend({}, 16);
    const heap = b.heap;
    const first = heap.u8;
    expect(b.heapStats()).toEqual({ usedBytes: 0, sizeBytes: 4 * MIB, capBytes: 16 * MIB });
    const a = b.alloc(3 * MIB);
    const c = b.alloc(3 * MIB); // past 4 MiB: the Memory doubles to 8 MiB
    expect(c + 3 * MIB).toBeGreaterThan(4 * MIB);
    expect(b.heapStats().sizeBytes).toBe(8 * MIB);
    expect(b.heap).toBe(heap);
    expect(first.length).toBe(4 * MIB);
    expect(heap.u8.length).toBe(8 * MIB);
    expect(heap.buffer.byteLength).toBe(8 * MIB);
    heap.u8[c + 3 * MIB - 1] = 7;
    expect(heap.i32.length * 4).toBe(8 * MIB);
    expect(heap.f64.length * 8).toBe(8 * MIB);
    expect(heap.i64.length * 8).toBe(8 * MIB);
    expect(heap.u32[(c + 3 * MIB - 4) >> 2]).toBe(7 << 24);
    const d = b.alloc(6 * MIB); // to 16 MiB, the cap
    expect(b.heapStats().sizeBytes).toBe(16 * MIB);
    expect(heap.u8.length).toBe(16 * MIB);
    for (const block of [a, c, d]) b.free(block);
    expect(b.heapStats()).toEqual({ usedBytes: 0, sizeBytes: 16 * MIB, capBytes: 16 * MIB });
  });

  it('throws outOfSharedMemory(cap) past the cap, changes nothing, and goes on working', () => {
    const b = freshBackend({}, 16);
    const blocks: number[] = [];
    let error: unknown;
    try {
      for (;;) blocks.push(b.alloc(MIB));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RangeError);
    expect((error as RangeError).message).toBe(outOfSharedMemory(16 * MIB).message);
    expect(blocks.length).toBe(15);
    const full = b.heapStats();
    expect(full.sizeBytes).toBe(16 * MIB);
    expect(() => b.alloc(MIB)).toThrow(/out of shared memory/);
    expect(b.heapStats()).toEqual(full);
    // Small blocks still fit in what is left; a freed MiB is taken again.
    b.free(b.alloc(64));
    b.free(blocks.pop()!);
    blocks.push(b.alloc(MIB));
    for (const block of blocks) b.free(block);
    expect(b.heapStats().usedBytes).toBe(0);
    b.free(b.alloc(15 * MIB));
  });

  it('a spawn request that finds the heap at its cap throws outOfSharedMemory too', () => {
    const b = freshBackend({}, 16);
    const blocks: number[] = [];
    expect(() => {
      for (;;) blocks.push(b.alloc(8));
    }).toThrow(outOfSharedMemory(16 * MIB).message);
    expect(() => b.spawn({ record: 0, task: 0 })).toThrow(outOfSharedMemory(16 * MIB).message);
  });
});
