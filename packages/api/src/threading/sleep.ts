/** Blocking and async sleeps (`time.sleep`), in milliseconds. */
import { backend, mustBlock } from '../runtime';
import { Deadline } from '../timeout';
import { beginAsyncWait, beginWait, endAsyncWait, endWait, WaitKind } from '../diagnostics/wait-state';

let sleepCell = 0;

function checkDelay(ms: number): void {
  if (typeof ms !== 'number' || Number.isNaN(ms)) throw new TypeError('sleep() needs a number of milliseconds');
  if (ms < 0) throw new RangeError('sleep length must be non-negative');
}

/** Blocks the calling thread for `ms` milliseconds (never less). */
export function sleep(ms: number): void {
  mustBlock('sleepAsync()');
  checkDelay(ms);
  const b = backend();
  if (sleepCell === 0) sleepCell = b.alloc(4);
  const deadline = new Deadline(ms);
  if (deadline.remaining() <= 0) return;
  const token = beginWait(WaitKind.sleep, 0, true);
  try {
    for (let left = deadline.remaining(); left > 0; left = deadline.remaining()) b.park(sleepCell, 0, left);
  } finally {
    endWait(token);
  }
}

/** Resolves after `ms` milliseconds without blocking the event loop. */
export function sleepAsync(ms: number): Promise<void> {
  checkDelay(ms);
  const token = beginAsyncWait(WaitKind.sleep, 0);
  return new Promise((resolve) =>
    setTimeout(() => {
      endAsyncWait(token);
      resolve();
    }, ms),
  );
}
