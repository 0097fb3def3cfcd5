/**
 * Reference counts for the primitives whose blocks are reclaimed (Lock, Event, RLock,
 * Semaphore, BoundedSemaphore, Condition, Barrier). Each block has an i32 reference count at a
 * fixed offset: one per live view in any thread (dropped when the view is garbage-collected),
 * one per stored value naming it, one per other block that names it (a Condition's lock, until
 * the Condition's block is freed). The last release frees the block.
 */
import { type Counted, holdReference, registerKind } from '../handle';
import { backend } from '../runtime';
import { addField, storeField, subField } from '../fields';

/**
 * The retain/release pair of blocks whose count is at byte `refsOffset`. The last release calls
 * `destroy(address)` (which frees what the block owns) and frees the block.
 */
export function countedAt(refsOffset: number, destroy?: (address: number) => void): Counted {
  return {
    retain(address) {
      addField(address, refsOffset, 1);
    },
    release(address) {
      const b = backend();
      if (subField(address, refsOffset, 1) !== 1) return;
      destroy?.(address);
      b.free(address);
    },
  };
}

/**
 * Allocates a zeroed block of `bytes` whose count (at `refsOffset`) holds one reference: the
 * creating view's, which it takes with `holdReference(view, kind, address)`.
 */
export function allocCounted(bytes: number, refsOffset: number): number {
  const b = backend();
  const address = b.alloc(bytes);
  storeField(address, refsOffset, 1);
  return address;
}

/**
 * Registers a reclaimed kind whose count is at `refsOffset`: `make(address)` builds this
 * thread's view, which holds a reference until it is collected; `destroy(address)`, if given,
 * frees what the block owns (other blocks, references) when the last reference goes.
 */
export function registerCounted(
  kind: string,
  refsOffset: number,
  make: (address: number) => object,
  destroy?: (address: number) => void,
): void {
  const counted = countedAt(refsOffset, destroy);
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
