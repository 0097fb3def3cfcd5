/**
 * A local stand-in for "the internet": an HTTP server on 127.0.0.1 (port 0, so any free port)
 * that answers every request after `delayMs` milliseconds, simulating network latency.
 * The fetch examples start one, fetch `${url}/<path>` with Node's global `fetch`, and `close()` it at the end.
 * The body is a small HTML page that echoes the requested path.
 *
 * The server runs in its own plain Node worker (its own event loop), so it keeps answering while the
 * main thread is blocked in a synchronous `join()` / `result()` / `map()` waiting for threads that fetch from it.
 */
import { Worker } from 'node:worker_threads';

export interface SlowServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:43125`. */
  url: string;
  /** Stops the server and its worker. */
  close(): Promise<void>;
}

const SERVER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createServer } = require('node:http');
const server = createServer((req, res) => {
  const timer = setTimeout(() => {
    const body = '<html><head><title>' + req.url + '</title></head><body>page ' + req.url + '</body></html>\\n';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }, workerData.delayMs);
  res.on('close', () => clearTimeout(timer));
});
// Idle keep-alive connections stay open for the whole run: with Node's 5 s default, a client that
// reuses a pooled connection just as the server times it out (likely when a loaded machine delays
// timers) gets 'fetch failed' (the socket closed under the request).
server.keepAliveTimeout = 10 * 60 * 1000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', () => {
  server.close(() => parentPort.postMessage('closed'));
  server.closeAllConnections();
});
`;

export async function startSlowServer(delayMs: number): Promise<SlowServer> {
  const worker = new Worker(SERVER_SOURCE, { eval: true, workerData: { delayMs } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m: { port: number }) => resolve(m.port));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        // Once the server has closed, end its worker from here (a worker's own
        // parentPort.close() is Node's alone: Deno has none).
        worker.once('message', () => void worker.terminate().then(() => resolve()));
        worker.postMessage('close');
      }),
  };
}
