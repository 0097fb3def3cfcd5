// Ports seed 003 ("Going Parallel"), Events and Conditions: `wait_for_event()` blocks in
// `event.wait()` on a thread until the main thread calls `event.set()` 2 s later.
// Lesson: wait() parks the thread without using CPU until another thread sets the event.
// (time.sleep(2) is scaled down to sleep(200).)
import { Thread, Event, sleep } from '#threading';
import { check } from './lib/check';

const event = new Event();

function waitForEvent(event: Event) {
  console.log('Waiting for the event to be set...');
  event.wait();
  console.log('Event is set! Proceeding.');
}

const thread = new Thread({ target: waitForEvent, args: [event] });
thread.start();

sleep(200);
const waitedUntilSet = thread.isAlive(); // still waiting: nothing else wakes it
event.set();
thread.join();

console.log(`${event}; the thread ${waitedUntilSet ? 'waited until set()' : 'did not wait'}`);
check(waitedUntilSet && !thread.isAlive(), 'the thread should wait for set() and then finish');
