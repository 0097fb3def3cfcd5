// Seed 001 ("Thread-Local Data"): `local_data = threading.local()` and five threads running
// `process_request(request_id)`, each storing its own request_id and start_time on it.
// Lesson: each thread sees only its own attributes on the one local object; no synchronization
// needed. (The seed's own 0.1 s of work is kept.)
import { Thread, SharedArray, local, sleep } from '#threading';
import { check } from './lib/check.ts';

// One local object, handed to every thread (Python's is a module global: here globals are per thread).
const localData = local();
const seen = new SharedArray('i', [-1, -1, -1, -1, -1]); // what each thread read back, for the check

function processRequest(localData: Record<string, any>, seen: SharedArray, requestId: number): void {
  localData.requestId = requestId;
  localData.startTime = performance.now();

  // Do some work
  sleep(100);

  // Access thread-local data
  const duration = (performance.now() - localData.startTime) / 1000;
  console.log(`Request ${localData.requestId} took ${duration.toFixed(2)}s`);
  seen.set(requestId, localData.requestId);
}

const threads = [0, 1, 2, 3, 4].map((i) => new Thread({ target: processRequest, args: [localData, seen, i] }));
for (const t of threads) t.start();
for (const t of threads) t.join();

check([0, 1, 2, 3, 4].every((i) => seen.get(i) === i), `each thread saw its own request_id: got ${[...Array(5).keys()].map((i) => seen.get(i))}`);
check(localData.requestId === undefined, 'the main thread sees none of the threads\' attributes');
