/** Node: a warm worker's entry, which runs threads one after another, parked in wasm while idle (the api's `runWorker`). */
import { runWorker } from '@threadkit/api/node';
import { host } from './host';

await runWorker(host);
