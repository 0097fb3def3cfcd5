/** `threading.enumerate()` / `active_count()` / `get_native_id()`: what is alive in the process. */
import { reviveHandle } from '../handle';
import { backend } from '../runtime';
import { ROOT, Root } from '../roots';
import type { Thread } from './thread';
import { liveRecords, recordRefs } from './thread-record';
import { currentThread } from './current';
import { loadField } from '../fields';

/** All live threads (started and not yet finished), main thread included, oldest first. */
export function enumerate(): Thread[] {
  return liveRecords()
    .reverse()
    .map((record) => {
      const thread = reviveHandle('Thread', record) as Thread;
      recordRefs.release(record); // the view holds its own reference now
      return thread;
    });
}

/** The number of live threads (`threading.active_count()`). */
export function activeCount(): number {
  return loadField(ROOT, Root.liveThreadCount);
}

/** The runtime's id of the calling OS thread (`threading.get_native_id()`). */
export function getNativeId(): number {
  return currentThread().nativeId ?? backend().nativeId;
}
