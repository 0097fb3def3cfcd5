/**
 * Python-style reprs of the objects threads wait on, read from their blocks in shared memory
 * (never through a view: the waiting thread may drop the last reference at any moment, so this
 * reads cells only and the caller re-checks the wait afterwards). The reprs match the objects'
 * own `toString()` where the block holds what that needs.
 */
import { backend } from '../runtime';
import { countParked } from '../parking/lot';
import { RLOCK_COUNT, RLOCK_OWNER } from '../sync/rlock';
import { Cell, maxsizeOf, Order } from '../queue/store';
import { F, STATE_DESCRIPTIONS } from '../futures/future-core';
import { Field, recordName, State } from '../threading/thread-record';
import { loadField } from '../fields';
import { WaitKind } from './wait-state';
import type { WaitRead } from './snapshot';

function cell(address: number): number {
  return Atomics.load(backend().heap.i32, address >> 2);
}

/** `<Lock locked>` */
export function lockRepr(address: number): string {
  return backend().lockLocked(address) ? '<Lock locked>' : '<Lock unlocked>';
}

/** `<RLock locked owner=2 count=1>` */
export function rlockRepr(address: number): string {
  const locked = backend().lockLocked(address) ? 'locked' : 'unlocked';
  return `<RLock ${locked} owner=${cell(address + RLOCK_OWNER)} count=${cell(address + RLOCK_COUNT)}>`;
}

/** `<Condition(<Lock locked>, 1)>`: its lock and how many threads wait on it. */
function conditionRepr(address: number): string {
  const lock = cell(address);
  const lockText = cell(address + 4) === 1 ? rlockRepr(lock) : lockRepr(lock);
  return `<Condition(${lockText}, ${countParked(address)})>`;
}

/** `<Thread(worker-1, started 3)>`, from a thread's record. */
export function threadRepr(record: number): string {
  const state = loadField(record, Field.state);
  let status = state === State.NEW ? 'initial' : state === State.FINISHED ? 'stopped' : 'started';
  if (loadField(record, Field.daemon) === 1) status += ' daemon';
  if (state !== State.NEW) status += ` ${loadField(record, Field.ident)}`;
  return `<Thread(${recordName(record)}, ${status})>`;
}

function queueRepr(q: number): string {
  const order = cell(q + Cell.ORDER);
  const name = order === Order.LIFO ? 'LifoQueue' : order === Order.PRIORITY ? 'PriorityQueue' : 'Queue';
  const maxsize = maxsizeOf(q);
  return `<${name} size=${cell(q + Cell.SIZE)}${maxsize > 0 ? ` maxsize=${maxsize}` : ''}${cell(q + Cell.SHUTDOWN) !== 0 ? ' shutdown' : ''}>`;
}

function barrierRepr(address: number): string {
  return cell(address + 4) === -2 ? '<Barrier broken>' : `<Barrier waiters=${cell(address + 8)}/${cell(address + 12)}>`;
}

/**
 * What a wait is in, as a dump line reads it: `Lock.acquire <Lock locked>`,
 * `join(<Thread(worker-1, started 3)>)`, `Queue.get <Queue size=0>`, `Future.result <Future
 * state=running>`, `Event.wait <Event unset>`…
 */
export function describeWait(wait: WaitRead): string {
  const a = wait.object;
  switch (wait.kind) {
    case WaitKind.lock:
      return `Lock.acquire ${lockRepr(a)}`;
    case WaitKind.rlock:
      return `RLock.acquire ${rlockRepr(a)}`;
    case WaitKind.condition:
      return `Condition.wait ${conditionRepr(a)}`;
    case WaitKind.event:
      return `Event.wait ${(cell(a) & 1) !== 0 ? '<Event set>' : '<Event unset>'}`;
    case WaitKind.semaphore:
      return `Semaphore.acquire <Semaphore value=${cell(a)}>`;
    case WaitKind.barrier:
      return `Barrier.wait ${barrierRepr(a)}`;
    case WaitKind.join:
      return `join(${threadRepr(a)})`;
    case WaitKind.queueGet:
      return `Queue.get ${queueRepr(a)}`;
    case WaitKind.queuePut:
      return `Queue.put ${queueRepr(a)}`;
    case WaitKind.queueJoin:
      return `Queue.join ${queueRepr(a)}`;
    case WaitKind.futureResult:
      return `Future.result <Future state=${STATE_DESCRIPTIONS[cell(a + F.state)] ?? 'unknown'}>`;
    case WaitKind.futuresWait:
      return 'wait(futures)';
    case WaitKind.asCompleted:
      return 'asCompleted(futures)';
    case WaitKind.executorIdle:
      return 'ThreadPoolExecutor idle, waiting for work';
    case WaitKind.sleep:
      return 'sleep';
    default:
      return `wait of kind ${wait.kind}`;
  }
}
