// Ports seed 003 ("Going Parallel"), RLocks: `recursive_lock(depth)` taking the same RLock at
// every level of a recursion.
// Lesson: the thread that holds an RLock may acquire it again; it is free only after as many
// releases as acquires. (A plain Lock would deadlock at depth 2 — shown here with a timeout.)
import { RLock, Lock } from '#threading';
import { check } from './lib/check';

const rlock = new RLock();
const depths: string[] = [];

function recursiveLock(depth: number) {
  console.log(`Lock request at depth ${depth}`);
  {
    using _ = rlock.hold(); // with rlock:
    depths.push(`${rlock}`);
    if (depth > 0) recursiveLock(depth - 1);
  }
  console.log(`Lock released at depth ${depth}`);
}

recursiveLock(3);
console.log(`deepest: ${depths.at(-1)}; after: ${rlock}`);

const lock = new Lock();
lock.acquire();
const again = lock.acquire(true, 100); // a Lock is not reentrant: this waits for ourselves
console.log(`a plain Lock taken again by its holder: ${again ? 'acquired' : 'timed out (would deadlock)'}`);
lock.release();

check(depths.length === 4 && depths.at(-1)!.includes('count=4'), 'the RLock should be held 4 times at depth 0');
check(`${rlock}`.startsWith('<RLock unlocked'), 'the RLock should be free after the recursion');
check(!again, 'a plain Lock should not be reentrant');
