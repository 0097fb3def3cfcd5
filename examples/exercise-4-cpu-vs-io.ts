// Ports seed 002 ("Threads in Python"), Practice Exercise 4: run a CPU-bound function with
// threads and time it; repeat with an I/O-bound function; observe why one scales and the other
// doesn't. Lesson, threadkit edition: there is no GIL, so CPU-bound work DOES scale — up to the
// number of cores (2 here), then it stops; I/O-bound work keeps scaling with the number of threads,
// because waiting threads use no CPU. A local server answers each request after 50 ms.
import { ThreadPoolExecutor } from '#threading';
import { availableParallelism } from 'node:os';
import { check } from './lib/check';
import { PlainWorkers } from './lib/plain-workers';
import { startSlowServer } from './lib/slow-server';
import { warmUp } from './lib/warm-up';

function cpuBound(n: number) {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.sqrt(i);
  return sum;
}

async function ioBound(url: string) {
  return (await fetch(url)).status;
}

// Times ex.map(fn, args) once; the callers keep the best of several runs (other work on a shared
// machine only ever adds time, and it can hold a core for a second).
function timeMap(ex: ThreadPoolExecutor, fn: Function, args: unknown[]): number {
  const t0 = performance.now();
  for (const _ of ex.map(fn as (x: unknown) => unknown, args));
  return performance.now() - t0;
}

const server = await startSlowServer(50);
warmUp(8, server.url); // boot the workers and their HTTP clients first (see lib/warm-up.ts)

const COUNTS = [1, 2, 4, 8];
// The CPU timings on 1, 2, 4 and 8 threads and the machine's own ceiling (two plain
// worker_threads against one) take turns, round after round, each keeping its best: a busy moment
// slows every side alike or is left out by the next round (lib/plain-workers.ts).
const plain = await PlainWorkers.start();
const cpu = COUNTS.map(() => Infinity);
const io = COUNTS.map(() => Infinity);
{
  const pools = COUNTS.map((threads) => new ThreadPoolExecutor(threads));
  for (let round = 0; round < 4; round++) {
    pools.forEach((ex, i) => (cpu[i] = Math.min(cpu[i]!, timeMap(ex, cpuBound, Array(8).fill(15_000_000)))));
    await plain.round();
  }
  for (let round = 0; round < 2; round++) {
    pools.forEach((ex, i) => (io[i] = Math.min(io[i]!, timeMap(ex, ioBound, Array(8).fill(`${server.url}/`)))));
  }
  for (const ex of pools) ex.shutdown();
}
await plain.close();
await server.close();

console.log(`${availableParallelism()} cores; 8 calls each`);
console.log('threads   CPU-bound          I/O-bound');
const speedup = (t: number[], i: number) => `${t[i]!.toFixed(0).padStart(5)} ms ${(t[0]! / t[i]!).toFixed(1).padStart(4)}x`;
COUNTS.forEach((threads, i) => console.log(`${String(threads).padStart(7)}   ${speedup(cpu, i)}     ${speedup(io, i)}`));
console.log('CPU-bound: faster up to one thread per core, then flat. I/O-bound: faster with every thread.');
const ceiling = plain.ceiling;
console.log(`(in the same moments, plain worker_threads showed ${ceiling.toFixed(2)}x on 2 threads: this machine's ceiling)`);
// One-sided and generous, and only when the machine showed it in the same moments.
check(ceiling < 1.3 || cpu[0]! / cpu[1]! > 1.05,
   `CPU-bound work on 2 threads should beat 1 thread (${(cpu[0]! / cpu[1]!).toFixed(2)}x; the machine's ceiling ${ceiling.toFixed(2)}x)`);
check(io[0]! / io[3]! >= 2, `I/O-bound work on 8 threads should be several times faster (${(io[0]! / io[3]!).toFixed(1)}x)`);
