/**
 * The module behind thread-local-handle-request.ts: seed 002's `local_data = threading.local()`
 * with `handle_request(req)` and `process()`. Threads run these exports with task(), so this
 * module is imported again in every thread: it has no top-level side effects, and its one
 * module-level object is declared with shared(), which gives every thread the same `local`.
 * Plain JavaScript: threads import it without tsx (tsx's loader does not reach worker threads on Node 20).
 */
import { local, shared, sleep } from '#threading';

export const localData = shared('examples.request-context.localData', () => local());

/** @param {{ user: string }} req @param {import('#threading').Queue<[string, string]>} seen */
export function handleRequest(req, seen) {
  localData.user = req.user;
  sleep(50); // other threads set their own user meanwhile
  seen.put([req.user, process()]);
}

/** @returns {string} */
export function process() {
  console.log(localData.user); // whatever was set in THIS thread
  return localData.user;
}
