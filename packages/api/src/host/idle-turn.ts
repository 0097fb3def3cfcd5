/**
 * A warm worker runs thread after thread in one loop and parks synchronously between them, so
 * its event loop would never turn: finalizers (which drop the references that views revived in
 * this worker hold on shared blocks) and other macrotasks would never run there. Between
 * threads the worker loop awaits {@link eventLoopTurn}, which gives the event loop one turn at
 * most every {@link TURN_EVERY_MS} ms — cheap for a stream of tiny threads, and enough for
 * collected views to hand their blocks back.
 */

/** How often, at most, a worker between threads lets its event loop turn. */
export const TURN_EVERY_MS = 10;

let lastTurn = 0;

/** One macrotask turn of this thread's event loop (setImmediate where there is one). */
function macrotask(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  if (typeof immediate === 'function') return new Promise((resolve) => void immediate(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Lets the event loop turn if it has not for {@link TURN_EVERY_MS} ms; otherwise resolves at once (a microtask). */
export async function eventLoopTurn(): Promise<void> {
  const now = performance.now();
  if (now - lastTurn < TURN_EVERY_MS) return;
  lastTurn = now;
  await macrotask();
}
