/**
 * Node: the supervisor's entry, a worker whose event loop is always free, which starts warm
 * workers when the spawn queue in wasm asks for them and finishes the thread of a worker that
 * dies (the api's `runSupervisor`).
 */
import { runSupervisor } from '@threadkit/api/node';
import { host } from './host';

await runSupervisor(host);
