/**
 * The allocator on one thread, over fresh heaps with a small cap: splitting and coalescing,
 * zeroed payloads, growth up to the cap and the out-of-memory error, double and foreign frees,
 * and a long seeded churn checked against every invariant.
 */
import { describe, expect, it } from 'vitest';
import { outOfSharedMemory } from '@threadkit/api/spi';
import { HEAP_START } from '../src/layout';
import { checkHeap, freshBackend, MIB, prng, topOf } from './heap-check';

const CAP = 16 * MIB;
const notABlock = (address: number): string => `threadkit: free of an address that is not an allocated block (${address})`;

describe('allocator', () => {
  it('rounds requests to 8-byte blocks of at least 24 bytes, 8-aligned, counted in usedBytes', () => {
    const b = freshBackend(CAP);
    const base = b.heapStats().usedBytes;
    const sizes = [0, 1, 8, 16, 17, 100, 4096];
    const addresses = sizes.map((n) => b.alloc(n));
    for (const address of addresses) expect(address % 8).toBe(0);
    const blockBytes = sizes.map((n) => Math.max(24, Math.ceil((n + 8) / 8) * 8));
    expect(b.heapStats().usedBytes - base).toBe(blockBytes.reduce((x, y) => x + y));
    expect(addresses[0]).toBe(HEAP_START + 8);
    for (let i = 1; i < addresses.length; i++) expect(addresses[i]! - addresses[i - 1]!).toBe(blockBytes[i - 1]);
    checkHeap(b);
  });

  it('rejects a negative, NaN or over-2^30 request with the existing RangeError', () => {
    const b = freshBackend(CAP);
    for (const n of [-1, NaN, 2 ** 30 + 1]) expect(() => b.alloc(n)).toThrow(new RangeError(`cannot allocate ${n} bytes of shared memory`));
    expect(b.heapStats().usedBytes).toBe(0);
  });

  it('merges a freed block with both free neighbours and reuses the merged block', () => {
    const b = freshBackend(CAP);
    const [x, y, z, guard] = [b.alloc(100), b.alloc(200), b.alloc(300), b.alloc(8)];
    b.free(x!);
    b.free(z!);
    expect(checkHeap(b)).toEqual({ allocated: 2, free: 2, freeBytes: 112 + 312 });
    b.free(y!);
    expect(checkHeap(b)).toEqual({ allocated: 1, free: 1, freeBytes: 112 + 208 + 312 });
    expect(b.alloc(112 + 208 + 312 - 8)).toBe(x);
    expect(checkHeap(b)).toEqual({ allocated: 2, free: 0, freeBytes: 0 });
    b.free(guard!);
    b.free(x!);
    expect(topOf(b)).toBe(HEAP_START);
    expect(b.heapStats().usedBytes).toBe(0);
  });

  it('splits a larger free block, and gives the block below top back to the wilderness', () => {
    const b = freshBackend(CAP);
    const big = b.alloc(4096);
    const guard = b.alloc(8);
    b.free(big);
    const small = b.alloc(100);
    expect(small).toBe(big);
    expect(checkHeap(b)).toEqual({ allocated: 2, free: 1, freeBytes: 4104 - 112 });
    const top = topOf(b);
    b.free(guard);
    expect(topOf(b)).toBe(top - 24 - (4104 - 112));
    expect(checkHeap(b)).toEqual({ allocated: 1, free: 0, freeBytes: 0 });
  });

  it('hands out zeroed payloads, also when reusing a freed block', () => {
    const b = freshBackend(CAP);
    const a = b.alloc(1000);
    b.alloc(8);
    b.heap.u8.fill(0xff, a, a + 1000);
    b.free(a);
    const again = b.alloc(1000);
    expect(again).toBe(a);
    expect(b.heap.u8.subarray(again, again + 1000).every((byte) => byte === 0)).toBe(true);
  });

  it('refuses a second free and foreign addresses, and the heap stays intact', () => {
    const b = freshBackend(CAP);
    const a = b.alloc(64);
    const c = b.alloc(64);
    b.free(a);
    expect(() => b.free(a)).toThrow(new RangeError(notABlock(a)));
    for (const bad of [0, 3, c + 8, c + 4, HEAP_START, topOf(b) + 8, 2 ** 40, -8, 0.5, NaN]) {
      expect(() => b.free(bad)).toThrow(new RangeError(notABlock(bad)));
    }
    expect(checkHeap(b)).toEqual({ allocated: 1, free: 1, freeBytes: 72 });
    b.free(c);
    expect(b.heapStats().usedBytes).toBe(0);
  });

  it('grows from 4 MiB up to the cap, then throws outOfSharedMemory(cap) and changes nothing', () => {
    const b = freshBackend(CAP);
    expect(b.heapStats()).toEqual({ usedBytes: 0, sizeBytes: 4 * MIB, capBytes: CAP });
    const blocks: number[] = [];
    const sizes = new Set<number>();
    for (;;) {
      let address: number;
      try {
        address = b.alloc(MIB - 8);
      } catch (error) {
        expect(error).toEqual(outOfSharedMemory(CAP));
        break;
      }
      b.heap.u8[address + MIB - 9] = 7;
      blocks.push(address);
      sizes.add(b.heapStats().sizeBytes);
    }
    expect([...sizes]).toEqual([4 * MIB, 8 * MIB, CAP]);
    expect(blocks.length).toBe(Math.floor((CAP - HEAP_START) / MIB));
    const stats = b.heapStats();
    const top = topOf(b);
    expect(() => b.alloc(2 ** 30)).toThrow(outOfSharedMemory(CAP).message);
    expect(b.heapStats()).toEqual(stats);
    expect(topOf(b)).toBe(top);
    for (const address of blocks) expect(b.heap.u8[address + MIB - 9]).toBe(7);
    // Frees and new allocations still work.
    b.free(blocks[3]!);
    expect(b.alloc(MIB - 8)).toBe(blocks[3]);
    b.free(blocks.pop()!);
    expect(b.alloc(MIB - 8)).toBeGreaterThan(0);
    checkHeap(b);
  });

  it('survives seeded churn of 8 B … 1 MiB blocks far beyond the cap, then frees back to one whole heap', () => {
    const b = freshBackend(CAP);
    const random = prng(0x5eed);
    const base = b.heapStats().usedBytes;
    const live: { address: number; bytes: number; stamp: number }[] = [];
    let liveBytes = 0;
    let total = 0;
    let stamp = 0;
    const freeOne = (): void => {
      const entry = live.splice(Math.floor(random() * live.length), 1)[0]!;
      const words = b.heap.u32;
      expect(words[entry.address >> 2]).toBe(entry.stamp);
      expect(words[(entry.address + entry.bytes - 4) >> 2]).toBe(entry.stamp);
      b.free(entry.address);
      liveBytes -= entry.bytes;
    };
    for (let round = 0; total < 20 * CAP; round++) {
      const bytes = Math.max(8, Math.floor(2 ** (3 + random() * 17)) & ~3);
      while (liveBytes + bytes > CAP / 4 || (live.length > 0 && random() < 0.45)) freeOne();
      const address = b.alloc(bytes);
      const words = b.heap.u32;
      expect(words[address >> 2]).toBe(0);
      expect(words[(address + bytes - 4) >> 2]).toBe(0);
      stamp++;
      words[address >> 2] = stamp;
      words[(address + bytes - 4) >> 2] = stamp;
      live.push({ address, bytes, stamp });
      liveBytes += bytes;
      total += bytes;
      if (round % 100 === 0) checkHeap(b);
    }
    checkHeap(b);
    while (live.length > 0) freeOne();
    expect(b.heapStats().usedBytes).toBe(base);
    expect(topOf(b)).toBe(HEAP_START);
    expect(checkHeap(b)).toEqual({ allocated: 0, free: 0, freeBytes: 0 });
    const whole = b.alloc(CAP - HEAP_START - 8);
    expect(whole).toBe(HEAP_START + 8);
    expect(b.heapStats().sizeBytes).toBe(CAP);
  });
});
