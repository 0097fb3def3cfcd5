// Ports seed 002 ("Threads in Python"), Practice Exercise 1: fetch 50 URLs with a
// ThreadPoolExecutor and compare the wall-clock time against a sequential version.
// Lesson: I/O-bound work overlaps on threads: 50 requests on 10 threads take about 5 request
// times, not 50. No internet: a local server answers each request after 25 ms.
import { ThreadPoolExecutor } from '#threading';
import { check } from './lib/check';
import { startSlowServer } from './lib/slow-server';
import { warmUp } from './lib/warm-up';

async function fetchStatus(url: string) {
  const response = await fetch(url);
  await response.text();
  return response.status;
}

const server = await startSlowServer(25);
const urls = Array.from({ length: 50 }, (_, i) => `${server.url}/page/${i}`);

let t0 = performance.now();
const sequential: number[] = [];
for (const url of urls) sequential.push(await fetchStatus(url));
const sequentialMs = performance.now() - t0;
console.log(`sequential: ${sequential.length} URLs in ${sequentialMs.toFixed(0)} ms`);

warmUp(10, server.url); // boot the pool's workers and their HTTP clients first (see lib/warm-up.ts)
t0 = performance.now();
let threaded: number[];
{
  using ex = new ThreadPoolExecutor(10);
  threaded = [...ex.map(fetchStatus, urls)];
}
const threadedMs = performance.now() - t0;
console.log(`ThreadPoolExecutor(10): ${threaded.length} URLs in ${threadedMs.toFixed(0)} ms`);
await server.close();

const ratio = sequentialMs / threadedMs;
console.log(`threads were ${ratio.toFixed(1)}x faster`);
check(threaded.length === 50 && threaded.every((s) => s === 200), 'all 50 URLs should return 200');
// One-sided and generous: ~5x or more when the machine is quiet; each fetch also costs CPU, which a
// throttled shared host makes scarce.
check(ratio >= 1.5, `threads should be several times faster than sequential (${ratio.toFixed(1)}x)`);
