/**
 * For the distributed figures: a private redis-server on a free 127.0.0.1 port and worker
 * processes (threadkit-worker, or the raw BullMQ worker), each awaited through its readiness
 * line; `stop()` ends them all (and a contender process that exits kills what it started).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** True when redis-server is on PATH (the distributed figures need it). */
export const HAVE_REDIS = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function start(command, args, ready) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk;
      if (ready.test(output)) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      children.delete(child);
      reject(new Error(`${command} exited (${code}) before it was ready: ${output.slice(-500)}`));
    });
  });
}

function stopChild(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

const TASKS = fileURLToPath(new URL('./dist-tasks.mjs', import.meta.url));
const RAW_WORKER = fileURLToPath(new URL('./bullmq-worker.mjs', import.meta.url));

/**
 * Redis plus `procs` worker processes of `threads` each on `queue`: threadkit-worker
 * (`kind = 'threadkit'`), the raw BullMQ worker (`'bullmq'`), or the raw BullMQ worker that hands
 * each job to a plain thread and back (`'bullmq-hop'`, src/dist-hops.mjs). Resolves `{ url, stop() }`.
 */
export async function startCluster(kind, queue, procs, threads) {
  const port = await freePort();
  const redis = await start('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], /Ready to accept connections/);
  const url = `redis://127.0.0.1:${port}`;
  const bin = join(dirname(createRequire(import.meta.url).resolve('@threadkit/distributed/package.json')), 'bin', 'threadkit-worker.mjs');
  const workers = await Promise.all(
    Array.from({ length: procs }, () =>
      kind === 'threadkit'
        ? start(process.execPath, [bin, '--connection', url, '--queue', queue, '--tasks', TASKS, '--threads', String(threads)], /threadkit-worker ready/)
        : start(process.execPath, [RAW_WORKER, url, queue, String(threads), kind === 'bullmq-hop' ? 'hop' : 'inline'], /bullmq-worker ready/),
    ),
  );
  return {
    url,
    async stop() {
      await Promise.all(workers.map((w) => stopChild(w, 'SIGTERM')));
      await stopChild(redis, 'SIGKILL');
    },
  };
}
