// Ports seed 002 ("Threads in Python"), concurrent.futures: `ThreadPoolExecutor(max_workers=10)`
// with `ex.map(...)` over 20 URLs, then `ex.submit(requests.get, u)` for each.
// Lesson: map yields results in input order; submit gives a Future per call for finer control.
// No internet: a local server answers each request after 50 ms.
import { ThreadPoolExecutor } from '#threading';
import { check } from './lib/check';
import { startSlowServer } from './lib/slow-server';

// requests.get(u) returns a Response, which cannot be copied between threads: return its data.
async function get(url: string) {
  const response = await fetch(url);
  return { statusCode: response.status, text: await response.text() };
}

const server = await startSlowServer(50);
const urls = Array(20).fill(`${server.url}/`);
const statuses: number[] = [];
{
  using ex = new ThreadPoolExecutor(10); // with ThreadPoolExecutor(max_workers=10) as ex:
  // map: in input order
  for (const result of ex.map(async (u: string) => (await fetch(u)).status, urls)) {
    console.log(result);
    statuses.push(result);
  }

  // Or submit individually for finer control
  const futures = urls.map((u) => ex.submit(get, u));
  for (const f of futures) {
    console.log(f.result().statusCode);
    statuses.push(f.result().statusCode);
  }
}
await server.close();

check(statuses.length === 40 && statuses.every((s) => s === 200), 'all 40 requests should return 200');
