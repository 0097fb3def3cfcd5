// Ports seed 002 ("Threads in Python"), Daemon Threads: `Thread(target=poll_loop, daemon=True)`.
// Lesson: a daemon thread is a background loop that never has to be stopped: when the main
// program ends, the process exits and the daemon dies with it. (A non-daemon loop would keep
// the process alive forever.)
import { Thread, Value, sleep } from '#threading';
import { check } from './lib/check';
import { warmUp } from './lib/warm-up';

// The seed leaves poll_loop out; here it polls every 20 ms, forever, and counts its polls.
function pollLoop(polls: Value) {
  for (;;) {
    polls.value += 1;
    sleep(20);
  }
}

warmUp(1); // boot a worker first: a thread's first start boots a JS engine (see lib/warm-up.ts)

const polls = new Value('i', 0);
const t = new Thread({ target: pollLoop, args: [polls], daemon: true });
t.start();
// Daemon threads die when the main program exits — useful for background loops

sleep(200); // the main program does its work (200 ms)
console.log(`${t} polled ${polls.value} times; main program exits now`);
check(t.daemon && t.isAlive(), 'the daemon poll loop should still be running when main ends');
check(polls.value > 0, 'the daemon should have polled in the background');
// No join and no stop flag: the process exits here although pollLoop never returns.
