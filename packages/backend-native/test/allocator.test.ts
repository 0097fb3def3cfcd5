/**
 * The addon's allocator through NativeBackend, each test on a fresh heap capped at 16 MiB:
 * blocks, errors, growth up to the cap, and churn far past the cap that coalescing survives.
 */
import { describe, expect, it } from 'vitest';
import { outOfSharedMemory, SPAWN_QUEUE_BYTES } from '@threadkit/api/spi';
import { SPAWN_QUEUE_BASE } from '../src/layout';
import { blockSize, FIRST_BLOCK, freshBackend, MIB, prng } from './support';

const CAP = 16 * MIB;

describe('native allocator', () => {
  it('hands out zeroed, 8-aligned blocks after the JS cells, and counts their bytes', () => {
    const b = freshBackend();
    expect(SPAWN_QUEUE_BASE + SPAWN_QUEUE_BYTES).toBeLessThanOrEqual(FIRST_BLOCK - 8);
    expect(b.heapStats()).toEqual({ usedBytes: 0, sizeBytes: 4 * MIB, capBytes: CAP });
    const a = b.alloc(40);
    expect(a).toBe(FIRST_BLOCK);
    // The header the addon wrote is where JS sees it: attach found the buffer's data.
    expect(b.heap.u32[(a - 8) >> 2]).toBe(48);
    b.heap.u8.fill(0xff, a, a + 40);
    const c = b.alloc(0);
    expect(c).toBe(a + 48);
    expect(b.heapStats().usedBytes).toBe(48 + 24);
    b.free(a);
    expect(b.heapStats().usedBytes).toBe(24);
    expect(b.alloc(33)).toBe(a);
    expect([...b.heap.u8.subarray(a, a + 40)].every((x) => x === 0)).toBe(true);
  });

  it('refuses a double free, foreign addresses and impossible sizes, changing nothing', () => {
    const b = freshBackend();
    const a = b.alloc(8);
    b.alloc(8);
    b.free(a);
    const used = b.heapStats().usedBytes;
    for (const address of [a, a + 8, a + 4, 12, -8, 0.5, NaN, 2 ** 40]) {
      expect(() => b.free(address)).toThrow(
        new RangeError(`threadkit: free of an address that is not an allocated block (${address})`),
      );
    }
    for (const bytes of [-1, NaN, 2 ** 30 + 1, Infinity]) {
      expect(() => b.alloc(bytes)).toThrow(new RangeError(`cannot allocate ${bytes} bytes of shared memory`));
    }
    expect(b.heapStats().usedBytes).toBe(used);
  });

  it('grows the heap on demand up to the cap, then throws outOfSharedMemory, and stays usable', () => {
    const b = freshBackend();
    const blocks: number[] = [];
    const sizes = new Set<number>();
    let failure: unknown;
    for (;;) {
      try {
        const address = b.alloc(MIB - 8);
        b.heap.u8.fill(blocks.length + 1, address, address + MIB - 8);
        blocks.push(address);
        sizes.add(b.heapStats().sizeBytes);
      } catch (error) {
        failure = error;
        break;
      }
    }
    expect(failure).toEqual(outOfSharedMemory(CAP));
    expect(failure).toBeInstanceOf(RangeError);
    // 15 blocks of 1 MiB fit after the cells; the heap doubled from 4 MiB to the cap.
    expect(blocks.length).toBe(15);
    expect([...sizes]).toEqual([4 * MIB, 8 * MIB, 16 * MIB]);
    expect(b.heapStats()).toEqual({ usedBytes: 15 * MIB, sizeBytes: CAP, capBytes: CAP });
    // Nothing moved and nothing overlaps: each block still holds its own mark.
    blocks.forEach((address, i) => {
      const bytes = b.heap.u8.subarray(address, address + MIB - 8);
      expect(bytes.every((x) => x === i + 1)).toBe(true);
    });
    expect(blocks.at(-1)).toBeGreaterThan(8 * MIB);
    b.free(blocks[7]!);
    expect(b.alloc(MIB - 8)).toBe(blocks[7]);
    expect(() => b.alloc(MIB - 8)).toThrow(outOfSharedMemory(CAP));
    for (const address of blocks) b.free(address);
    expect(b.heapStats().usedBytes).toBe(0);
  });

  it('survives churn of mixed sizes far past the cap, and coalesces back to one free heap', () => {
    const b = freshBackend();
    const random = prng(0x5eed);
    const live = new Map<number, number>();
    const start = b.heapStats().usedBytes;
    let liveBytes = 0;
    let total = 0;
    const release = (address: number): void => {
      const size = live.get(address)!;
      // The marks at both ends are intact: no other block overlapped this one.
      expect(b.heap.u32[address >> 2]).toBe(size);
      expect(b.heap.u32[(address + size - 4) >> 2]).toBe(size);
      b.free(address);
      live.delete(address);
      liveBytes -= size;
    };
    for (let step = 0; step < 12_000; step++) {
      // 8 B … 1 MiB, log-uniform; at most 6 MiB live in a 16 MiB heap.
      const bytes = Math.ceil(2 ** (3 + random() * 17) / 8) * 8;
      if (live.size === 0 || (random() < 0.55 && liveBytes + bytes <= 6 * MIB)) {
        const address = b.alloc(bytes);
        b.heap.u32[address >> 2] = bytes;
        b.heap.u32[(address + bytes - 4) >> 2] = bytes;
        live.set(address, bytes);
        liveBytes += bytes;
        total += bytes;
      } else {
        const addresses = [...live.keys()];
        release(addresses[Math.floor(random() * addresses.length)]!);
      }
    }
    expect(total).toBeGreaterThan(10 * CAP);
    for (const address of [...live.keys()]) release(address);
    expect(b.heapStats().usedBytes).toBe(start);
    // The whole heap after the cells is one block again.
    const whole = CAP - (FIRST_BLOCK - 8) - 8;
    expect(blockSize(whole)).toBe(CAP - (FIRST_BLOCK - 8));
    expect(b.alloc(whole)).toBe(FIRST_BLOCK);
    expect(b.heapStats().usedBytes).toBe(CAP - (FIRST_BLOCK - 8));
    b.free(FIRST_BLOCK);
    expect(() => b.alloc(whole + 1)).toThrow(outOfSharedMemory(CAP));
    expect(b.heapStats().usedBytes).toBe(start);
  });
});
