/**
 * Reference counts for the small one-cell primitives (Lock, Event): the block is 8 bytes,
 *   0  i32  the primitive's cell
 *   4  i32  references: one per live view in any thread, one per stored value naming it
 * (the allocator's 16-byte block has room for both). The last release frees the block.
 */
import { type Counted, holdReference, registerKind } from '../handle';
import { backend } from '../runtime';

const REFS = 4;

/** Allocates a zeroed cell block holding one reference (the creating view's). */
export function allocCountedCell(): number {
  const b = backend();
  const address = b.alloc(8);
  Atomics.store(b.heap.i32, (address + REFS) >> 2, 1);
  return address;
}

const counted: Counted = {
  retain(address) {
    Atomics.add(backend().heap.i32, (address + REFS) >> 2, 1);
  },
  release(address) {
    const b = backend();
    if (Atomics.sub(b.heap.i32, (address + REFS) >> 2, 1) === 1) b.free(address);
  },
};

/**
 * Registers a one-cell kind: `make(address)` builds this thread's view; every view, the creating
 * one included (`holdReference(view, kind, address)` after {@link allocCountedCell}), holds a
 * reference until it is collected.
 */
export function registerCountedCell(kind: string, make: (address: number) => object): void {
  registerKind(
    kind,
    (address) => {
      counted.retain(address);
      const view = make(address);
      holdReference(view, kind, address);
      return view;
    },
    counted,
  );
}
