/**
 * For the distributed example: a private redis-server on a free 127.0.0.1 port and
 * threadkit-worker processes, each awaited through its readiness line, all stopped by `stop()`
 * (and killed if the example exits early).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `command`; resolves once its output matches `ready`. */
function start(command: string, args: string[], ready: RegExp): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (ready.test(output)) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      children.delete(child);
      reject(new Error(`${command} exited (${code}) before it was ready:\n${output}`));
    });
  });
}

/** Stops `child` with `signal` and waits for it. */
function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

export interface Cluster {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  /** Stops the workers gracefully (SIGTERM), then Redis. */
  stop(): Promise<void>;
}

/** A redis-server and `workers` threadkit-worker processes of `threads` threads on `queue`, running `tasks`. */
export async function startCluster(queue: string, tasks: string, workers: number, threads: number): Promise<Cluster> {
  const port = await freePort();
  const redis = await start('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], /Ready to accept connections/);
  const url = `redis://127.0.0.1:${port}`;
  const bin = join(dirname(createRequire(import.meta.url).resolve('@threadkit/distributed/package.json')), 'bin', 'threadkit-worker.mjs');
  const procs = await Promise.all(
    Array.from({ length: workers }, () =>
      // threadkit-worker is a Node program (`#!/usr/bin/env node`), whatever runs this example.
      start('node', [bin, '--connection', url, '--queue', queue, '--tasks', tasks, '--threads', String(threads)], /threadkit-worker ready/),
    ),
  );
  return {
    url,
    async stop() {
      await Promise.all(procs.map((p) => stopChild(p, 'SIGTERM')));
      await stopChild(redis, 'SIGKILL');
    },
  };
}
