/**
 * The raw-BullMQ anchor's worker process: `node bullmq-worker.mjs <redis-url> <queue> <concurrency> [hop]`.
 * A BullMQ Worker that calls the dist-tasks.mjs function named by the job with `job.data.args`,
 * in its own process (no thread pool) — BullMQ used directly, as people do today. With `hop`
 * (src/dist-hops.mjs), each job is handed to one of `concurrency` plain worker_threads over a
 * MessagePort and its result handed back: the pool hop a threadkit-worker makes, with nothing
 * of threadkit's. A job a DistributedExecutor sent is run the same way (its arguments here are
 * plain numbers, which the wire codec leaves as they are).
 */
import { Worker } from 'bullmq';
import { Worker as Thread } from 'node:worker_threads';
import * as tasks from './dist-tasks.mjs';

const [url, queue, concurrency, mode] = process.argv.slice(2);
const { hostname, port } = new URL(url);

/** Threads that each run one job at a time for the processor, as a pool's threads do. */
function threadPool(size) {
  const code = `
    const { parentPort } = require('node:worker_threads');
    import(${JSON.stringify(new URL('./dist-tasks.mjs', import.meta.url).href)}).then((tasks) => {
      parentPort.on('message', ({ name, args }) => parentPort.postMessage(tasks[name](...args)));
    });`;
  const idle = Array.from({ length: size }, () => new Thread(code, { eval: true }));
  return (name, args) => {
    const thread = idle.pop();
    return new Promise((resolve) => {
      thread.once('message', (value) => {
        idle.push(thread);
        resolve(value);
      });
      thread.postMessage({ name, args });
    });
  };
}

const run = mode === 'hop' ? threadPool(Number(concurrency)) : (name, args) => tasks[name](...args);
// A job a DistributedExecutor sent (src/dist-hops.mjs mixes the sides) gets its result as threadkit-worker returns it.
const worker = new Worker(queue, async (job) => (job.data.module === undefined ? run(job.name, job.data.args) : { value: await run(job.name, job.data.args) }), {
  connection: { host: hostname, port: Number(port), maxRetriesPerRequest: null },
  concurrency: Number(concurrency),
});
await worker.waitUntilReady();
process.on('SIGTERM', () => worker.close().then(() => process.exit(0)));
process.stdout.write('bullmq-worker ready\n');
