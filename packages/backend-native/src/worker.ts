/** A warm worker's entry: runs threads one after another, asleep in the addon while idle (the api's `runWorker`). */
import { runWorker } from '@threadkit/api/node';
import { host } from './host';

await runWorker(host);
