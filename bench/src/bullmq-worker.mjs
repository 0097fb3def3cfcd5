/**
 * The raw-BullMQ anchor's worker process: `node bullmq-worker.mjs <redis-url> <queue> <concurrency>`.
 * A BullMQ Worker that calls the dist-tasks.mjs function named by the job with `job.data.args`,
 * in its own process (no thread pool) — BullMQ used directly, as people do today.
 */
import { Worker } from 'bullmq';
import * as tasks from './dist-tasks.mjs';

const [url, queue, concurrency] = process.argv.slice(2);
const { hostname, port } = new URL(url);
const worker = new Worker(queue, async (job) => tasks[job.name](...job.data.args), {
  connection: { host: hostname, port: Number(port), maxRetriesPerRequest: null },
  concurrency: Number(concurrency),
});
await worker.waitUntilReady();
process.on('SIGTERM', () => worker.close().then(() => process.exit(0)));
process.stdout.write('bullmq-worker ready\n');
