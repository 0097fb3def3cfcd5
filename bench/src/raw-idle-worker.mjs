/** A bare worker for the RSS figure: says it is up, then blocks in Atomics.wait until released. */
import { parentPort, workerData } from 'node:worker_threads';
parentPort.postMessage(0);
Atomics.wait(new Int32Array(workerData), 0, 0);
