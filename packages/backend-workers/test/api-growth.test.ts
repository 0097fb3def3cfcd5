/**
 * The api over this backend when an allocation in the middle of an operation grows the heap:
 * each thread's views are then replaced (heap.ts), so code that kept a view across that
 * allocation would write through a view that ends before the new block. One process, one
 * thread: the backend is installed here, and a wrapper around `alloc` makes the chosen
 * allocation the one that grows the heap (everything free and the rest of the heap is used up
 * just before it).
 */
import { describe, expect, it } from 'vitest';
import { Queue, shared } from '@threadkit/api';
import { HANDLE, installBackend } from '@threadkit/api/spi';
import { freshBackend, largestFreeBlock, MIB, topOf } from './heap-check';

const b = freshBackend(64 * MIB);
installBackend(b);
const realAlloc = b.alloc.bind(b);
let countdown = 0;

/** Makes the `n`th allocation from now find no free block and no room below the heap's end. */
function growOnAllocation(n: number): void {
  countdown = n;
}

b.alloc = (bytes: number): number => {
  if (countdown > 0 && --countdown === 0) useUpHeap();
  return realAlloc(bytes);
};

function useUpHeap(): void {
  for (let free = largestFreeBlock(b); free !== 0; free = largestFreeBlock(b)) realAlloc(free - 8);
  const rest = b.heapStats().sizeBytes - topOf(b);
  if (rest >= 24) realAlloc(rest - 8);
}

describe('api operations whose allocation grows the heap', () => {
  it('Queue.put that resizes the slot array', () => {
    // String items: each is a heap block (a small int would travel as an immediate word, no block).
    const q = new Queue<string>();
    void q[HANDLE]; // shared now (a new queue is local until its handle is first read)
    for (let i = 0; i < 8; i++) q.put(`item ${i}`);
    const size = b.heapStats().sizeBytes;
    growOnAllocation(2); // the item, then the new slot array
    q.put('item 8');
    expect(b.heapStats().sizeBytes).toBeGreaterThan(size);
    expect(Array.from({ length: 9 }, () => q.get())).toEqual(Array.from({ length: 9 }, (_, i) => `item ${i}`));
  });

  it('shared() that creates the registry entry', () => {
    const size = b.heapStats().sizeBytes;
    growOnAllocation(2); // the name, then the entry
    expect(shared('api-growth.entry', () => 'made')).toBe('made');
    expect(b.heapStats().sizeBytes).toBeGreaterThan(size);
    expect(shared('api-growth.entry', () => 'again')).toBe('made');
  });
});
