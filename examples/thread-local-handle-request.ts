// Ports seed 002 ("Threads in Python"), Thread-Local Storage: `local_data = threading.local()`,
// `handle_request(req)` storing `local_data.user`, and `process()` reading it.
// Lesson: each thread sees only what it stored in a local(), so `process()` finds its own
// request's user without passing it along — even while other threads handle other users.
import { Thread, Queue, task } from '#threading';
import { check } from './lib/check';
import { localData } from './lib/request-context.js';

const requestContext = new URL('./lib/request-context.js', import.meta.url);
const seen = new Queue<[string, string]>();
const users = ['alice', 'bob', 'carol', 'dave'];
const threads = users.map(
  (user) => new Thread({ target: task(requestContext, 'handleRequest'), args: [{ user }, seen] }),
);
for (const t of threads) t.start();
for (const t of threads) t.join();

let mixedUp = 0;
for (const _ of users) {
  const [requestUser, processedUser] = seen.get(true, 5000);
  if (requestUser !== processedUser) mixedUp++;
}
console.log(`main thread's local_data.user: ${localData.user}`);
check(mixedUp === 0, `process() should see its own thread's user (${mixedUp} mixed up)`);
check(localData.user === undefined, "the main thread should not see the threads' users");
