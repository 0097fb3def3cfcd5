// Seed 003's web-scraping pattern with production controls (beyond Python): a crawler on a
// ThreadPoolExecutor that stops everything once it has found the page it looks for. Every fetch is
// submitted with submitWith({ signal, timeout }): one AbortController's abort() cancels the
// fetches still queued (their futures are cancelled, they never run) and aborts the running ones
// (each fetch passes taskSignal() to fetch(), which rejects with an AbortError). Python's pool can
// only cancel what has not started; here nothing keeps running once the answer is in.
// No internet here: a local server answers each page after 50 ms; page /p links to /p/0, /p/1
// and /p/2 (the crawler makes the links up from the path: our server's pages have none).
import { FIRST_COMPLETED, ThreadPoolExecutor, taskSignal, wait, type Future } from '#threading';
import { check } from './lib/check';
import { startSlowServer } from './lib/slow-server';
import { warmUp } from './lib/warm-up';

/** Fetches a page; the task's signal aborts the request when the crawl is called off. */
async function fetchPage(url: string): Promise<string> {
  const response = await fetch(url, { signal: taskSignal() });
  return response.text();
}

const server = await startSlowServer(50);
warmUp(8, server.url); // boot the workers and their HTTP clients first (see lib/warm-up.ts)

const TARGET = '/2/0/1/2';
const MAX_DEPTH = 4; // 1 + 3 + 9 + 27 + 81 = 121 pages in all
const controller = new AbortController();
const ex = new ThreadPoolExecutor(8);
const pathOf = new Map<Future<string>, string>();
const visit = (path: string): void => {
  pathOf.set(ex.submitWith({ signal: controller.signal, timeout: 5_000 }, fetchPage, `${server.url}${path || '/'}`), path);
};

const t0 = performance.now();
visit('');
let found: string | undefined;
const fetched: string[] = [];
while (found === undefined && pathOf.size > 0) {
  const { done } = wait(pathOf.keys(), { returnWhen: FIRST_COMPLETED });
  for (const f of done) {
    const path = pathOf.get(f)!;
    pathOf.delete(f);
    fetched.push(path);
    if (f.result().includes(`page ${TARGET}<`)) {
      found = path;
      controller.abort(); // call off the rest
      break;
    }
    const depth = path.split('/').length - 1;
    if (depth < MAX_DEPTH) for (const i of [0, 1, 2]) visit(`${path}/${i}`);
  }
}
console.log(`found ${found} after ${fetched.length} pages in ${(performance.now() - t0).toFixed(0)} ms`);

// What became of the rest: each one cancelled while queued, aborted while running, or (finished just before the abort) fetched.
const rest = [...pathOf.keys()];
wait(rest);
let cancelled = 0;
let aborted = 0;
let finished = 0;
for (const f of rest) {
  if (f.cancelled()) {
    cancelled++;
    continue;
  }
  const error = f.exception() as Error | undefined; // undefined: it returned (Python's None)
  if (error === undefined) finished++;
  else if (error.name === 'AbortError') aborted++;
}
console.log(`the other ${rest.length} submitted pages: ${cancelled} cancelled while queued, ${aborted} aborted while running, ${finished} finished before the abort`);
const stats = ex.stats();
console.log(`executor stats: submitted ${stats.submitted}, completed ${stats.completed}, failed ${stats.failed}, cancelled ${stats.cancelled}`);
ex.shutdown();
await server.close();

check(found === TARGET, `the crawler finds ${TARGET}`);
check(cancelled + aborted + finished === rest.length, 'every page left is cancelled, aborted or finished: none still pending, none failed otherwise');
check(cancelled + aborted > 0, 'the abort stopped work that was still queued or running');
