/**
 * Boots `n` worker threads ahead of a timing. A threadkit thread runs on a worker with its own JS
 * engine: the first start of each boots one (tens to hundreds of ms of CPU, more under tsx), and a
 * finished thread's worker is kept warm and reused by the next start (pool threads too). Given a
 * `url`, each thread also fetches it once: Node loads its HTTP client on the first fetch in each
 * thread. Freshly booted engines keep the CPUs busy a little longer (compilation, GC), so this
 * then waits, up to 2 s, until the process is idle. The timing examples call it first so they
 * measure the work, not the boots — as in a long-running program.
 */
import { Thread, sleep } from '#threading';

export function warmUp(n: number, url?: string): void {
  const target = async (url?: string) => {
    if (url !== undefined) await (await fetch(url)).text();
  };
  const threads = Array.from({ length: n }, () => new Thread({ target, args: [url] }));
  for (const t of threads) t.start();
  for (const t of threads) t.join();
  for (let waited = 0; waited < 2000; waited += 50) {
    const before = process.cpuUsage();
    sleep(50);
    const used = process.cpuUsage(before);
    if (used.user + used.system < 5_000) return; // under 5 ms of CPU in 50 ms: settled
  }
}
