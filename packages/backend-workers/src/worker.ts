/** A warm worker's entry: runs threads one after another, parked on the spawn queue while idle (the api's `runWorker`). */
import { runWorker } from '@threadkit/api/node';
import { host } from './host';

await runWorker(host);
