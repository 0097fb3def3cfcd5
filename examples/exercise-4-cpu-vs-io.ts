// Ports seed 002 ("Threads in Python"), Practice Exercise 4: run a CPU-bound function with
// threads and time it; repeat with an I/O-bound function; observe why one scales and the other
// doesn't. Lesson, threadkit edition: there is no GIL, so CPU-bound work DOES scale — up to the
// number of cores (2 here), then it stops; I/O-bound work keeps scaling with the number of threads,
// because waiting threads use no CPU. A local server answers each request after 50 ms.
import { ThreadPoolExecutor } from '#threading';
import { availableParallelism } from 'node:os';
import { check } from './lib/check';
import { parallelCeiling } from './lib/machine-ceiling';
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

// 8 equal calls on a pool of `threads` threads; the best of `runs` runs (other work on a shared
// machine only ever adds time, and it can hold a core for a few hundred ms).
function timeCalls(fn: Function, args: unknown[], threads: number, runs: number): number {
  using ex = new ThreadPoolExecutor(threads);
  let best = Infinity;
  for (let run = 0; run < runs; run++) {
    const t0 = performance.now();
    for (const _ of ex.map(fn as (x: unknown) => unknown, args));
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

const server = await startSlowServer(50);
warmUp(8, server.url); // boot the workers and their HTTP clients first (see lib/warm-up.ts)

console.log(`${availableParallelism()} cores; 8 calls each`);
console.log('threads   CPU-bound          I/O-bound');
const cpu: number[] = [];
const io: number[] = [];
for (const threads of [1, 2, 4, 8]) {
  cpu.push(timeCalls(cpuBound, Array(8).fill(15_000_000), threads, 4));
  io.push(timeCalls(ioBound, Array(8).fill(`${server.url}/`), threads, 2));
  const speedup = (t: number[]) => `${t.at(-1)!.toFixed(0).padStart(5)} ms ${(t[0] / t.at(-1)!).toFixed(1).padStart(4)}x`;
  console.log(`${String(threads).padStart(7)}   ${speedup(cpu)}     ${speedup(io)}`);
}
await server.close();

console.log('CPU-bound: faster up to one thread per core, then flat. I/O-bound: faster with every thread.');
const ceiling = await parallelCeiling();
console.log(`(this machine gives plain worker_threads ${ceiling.toFixed(2)}x on 2 threads right now)`);
// One-sided and generous, and only when the machine can show it (lib/machine-ceiling.ts).
check(ceiling < 1.5 || cpu[0] / cpu[1] > 1.05,
   `CPU-bound work on 2 threads should beat 1 thread (${(cpu[0] / cpu[1]).toFixed(2)}x)`);
check(io[0] / io[3] >= 2, `I/O-bound work on 8 threads should be several times faster (${(io[0] / io[3]).toFixed(1)}x)`);
