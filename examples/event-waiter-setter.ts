// Seed 001 ("Event Objects"): a `waiter` thread blocks in `event.wait()` until a `setter`
// thread does some work and calls `event.set()`.
// Lesson: an Event lets one thread signal others; the waiter proceeds only after the set.
// Delay scaled down: 2 s → 200 ms.
import { Thread, Event, Value, sleep } from '#threading';
import { check } from './lib/check.ts';

function waiter(event: Event, name: string, waitedMs: Value): void {
  console.log(`${name} waiting for event`);
  const t0 = performance.now();
  event.wait(); // Block until event is set
  waitedMs.value = performance.now() - t0;
  console.log(`${name} received the event!`);
}

function setter(event: Event): void {
  console.log('Doing some work...');
  sleep(200);
  event.set(); // Signal the waiting thread
}

const event = new Event();
const waitedMs = new Value('d', 0);
const thread1 = new Thread({ target: waiter, args: [event, 'Worker', waitedMs] });
const thread2 = new Thread({ target: setter, args: [event] });

thread1.start();
thread2.start();

thread1.join();
thread2.join();

console.log(`(the waiter was blocked for ${waitedMs.value.toFixed(0)} ms)`);
check(event.isSet(), 'the event is set');
check(waitedMs.value > 0, 'the waiter was released by the set');
