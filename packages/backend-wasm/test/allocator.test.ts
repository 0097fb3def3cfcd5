/** The allocator, run in wasm over a fresh Memory. */
import { describe, expect, it } from 'vitest';
import { API_ROOT_BYTES } from '@threadkit/api';
import { freshBackend } from './support';

describe('allocator', () => {
  it('hands out zeroed, 8-aligned blocks past the roots, and reuses freed ones', () => {
    const b = freshBackend();
    const a = b.alloc(24);
    expect(a % 8).toBe(0);
    expect(a).toBeGreaterThan(API_ROOT_BYTES);
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
    b.free(a);
    expect(() => b.free(a)).toThrow(RangeError);
    expect(() => b.free(12)).toThrow(RangeError);
    expect(() => b.free(a + 4)).toThrow(RangeError);
    expect(() => b.alloc(-1)).toThrow(RangeError);
    expect(() => b.alloc(2 ** 31)).toThrow(RangeError);
  });

  it('throws "out of shared memory" when the heap is full, and recovers after frees', () => {
    const b = freshBackend({}, 16);
    const blocks: number[] = [];
    expect(() => {
      for (;;) blocks.push(b.alloc(1 << 20));
    }).toThrow(/out of shared memory/);
    expect(blocks.length).toBeGreaterThan(5);
    b.free(blocks.pop()!);
    expect(b.alloc(1 << 20)).toBeGreaterThan(0);
  });
});
