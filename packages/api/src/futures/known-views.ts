/**
 * This thread's bookkeeping of its `Future` views (future.ts), kept outside the views:
 *
 * - By id: the one view this thread has of each future it sent out or received. A view that let
 *   go of its block (its future is final) makes a new block each time it is sent again, so a
 *   receipt is matched by the future's id, not only by the block's address: every block of one
 *   future revives as the same view here.
 * - Handed off: views whose future is final that made a block only to send it. Each holds its
 *   reference just until the stored value carrying the handle has retained the block; it drops
 *   it at its next look, or here at the next safe point — a Future made, a future received, a
 *   submit: never in the middle of an encoding — so a loop that forwards finished futures frees
 *   their blocks as it goes.
 */

const viewsById = new Map<number, WeakRef<object>>();
const forget = new FinalizationRegistry<number>((id) => {
  if (viewsById.get(id)?.deref() === undefined) viewsById.delete(id);
});

/** Makes `view` this thread's view of the future `id`. */
export function rememberView(view: object, id: number): void {
  viewsById.set(id, new WeakRef(view));
  forget.register(view, id);
}

/** This thread's view of the future `id`, if it has one. */
export function viewWithId<T extends object>(id: number): T | undefined {
  return viewsById.get(id)?.deref() as T | undefined;
}

let handedOff: (() => void)[] = [];

/** Registers how a handed-off view drops its reference (when it has not already). */
export function handOff(drop: () => void): void {
  handedOff.push(drop);
}

/** Drops the references of the handed-off views; only at a safe point (see the module comment). */
export function dropHandedOff(): void {
  if (handedOff.length === 0) return;
  const drops = handedOff;
  handedOff = [];
  for (const drop of drops) drop();
}
