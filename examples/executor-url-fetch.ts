// Seed 000 ("The Modern Way: ThreadPoolExecutor"): `fetch_url` over three URLs with
// `ThreadPoolExecutor(max_workers=3)` and `executor.map`.
// Lesson: the three requests wait on the network at the same time, so the whole batch takes about
// as long as one request instead of three. No internet here: a local server answers each request
// after 500 ms, standing in for network latency.
import { ThreadPoolExecutor } from '#threading';
import { startSlowServer } from './lib/slow-server.ts';
import { warmUp } from './lib/warm-up.ts';
import { check } from './lib/check.ts';

const server = await startSlowServer(500);
const URLS = [`${server.url}/1`, `${server.url}/2`, `${server.url}/3`];

/** A simple function to fetch a URL. (Self-contained: it runs in the pool's threads.) */
async function fetchUrl(url: string): Promise<number> {
  console.log(`Fetching ${url}...`);
  const response = await fetch(url);
  await response.text();
  console.log(`Fetched ${url} with status ${response.status}`);
  return response.status;
}

warmUp(3); // boot 3 pooled workers first (untimed), so the timing below is mostly the I/O, not the boot

// Use ThreadPoolExecutor to manage a pool of worker threads
let t0 = performance.now();
let results: number[];
{
  using executor = new ThreadPoolExecutor(3); // with ... as executor: (shut down at the block's end)
  // The map method applies the function to each item in the list concurrently
  results = [...executor.map(fetchUrl, URLS)];
}
const threaded = performance.now() - t0;
console.log('All requests complete.');

// The same three requests one after another, for comparison.
t0 = performance.now();
for (const url of URLS) await (await fetch(url)).text();
const sequential = performance.now() - t0;
await server.close();

const ratio = sequential / threaded;
console.log(`3 threads: ${threaded.toFixed(0)} ms, sequential: ${sequential.toFixed(0)} ms (${ratio.toFixed(1)}x faster)`);
check(results.every((status) => status === 200), `statuses ${results}`);
// One-sided and generous: ~3x when the machine is quiet (three 500 ms waits overlap), but thread
// start-up and a busy shared CI machine eat into it.
check(ratio >= 1.5, `threads only ${ratio.toFixed(2)}x faster than sequential (expected >= 1.5x)`);
