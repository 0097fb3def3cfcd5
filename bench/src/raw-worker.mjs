/**
 * The raw anchors' worker: plain worker_threads + Atomics, no library. It waits for jobs on a
 * control block in a SharedArrayBuffer (cells below), runs `n` rounds of its job and counts
 * itself done. Jobs: 'futex-inc' (n increments under a futex lock), 'pong' (answer n pings), 'crunch2'/'crunch4' (the crunch of n, 2 or 4 times),
 * 'post' (post n small messages on a MessagePort).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Ctrl, futexLock, futexUnlock } from './raw-futex.mjs';

const { sab, job, port } = workerData;
const c = new Int32Array(sab);

/** The seeds' crunch, as the CPU-scaling figure's other contenders run it. */
function crunch(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += i * i;
  return s;
}

const jobs = {
  'futex-inc'(n) {
    for (let i = 0; i < n; i++) {
      futexLock(c, Ctrl.LOCK);
      c[Ctrl.COUNTER]++;
      futexUnlock(c, Ctrl.LOCK);
    }
  },
  pong(n) {
    for (let i = 0; i < n; i++) {
      let v;
      while ((v = Atomics.load(c, Ctrl.PINGPONG)) !== 1) Atomics.wait(c, Ctrl.PINGPONG, v);
      Atomics.store(c, Ctrl.PINGPONG, 2);
      Atomics.notify(c, Ctrl.PINGPONG);
    }
  },
  crunch2: (n) => crunch(n) + crunch(n),
  crunch4: (n) => crunch(n) + crunch(n) + crunch(n) + crunch(n),
  post(n) {
    for (let i = 0; i < n; i++) port.postMessage(i);
  },
};

let seen = 0;
parentPort.postMessage('ready');
for (;;) {
  while (Atomics.load(c, Ctrl.SEQ) === seen) Atomics.wait(c, Ctrl.SEQ, seen);
  seen = Atomics.load(c, Ctrl.SEQ);
  const n = Atomics.load(c, Ctrl.N);
  if (n < 0) break;
  jobs[job](n);
  Atomics.add(c, Ctrl.DONE, 1);
  Atomics.notify(c, Ctrl.DONE);
}
port?.close();
