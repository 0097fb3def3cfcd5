// Ports seed 003 ("Going Parallel"), Web Scraping: `fetch_url(url)` returning
// `(url, status_code, len(text))`, mapped over the pages with `ThreadPoolExecutor(max_workers=5)`.
// Lesson: scraping is I/O-bound, so 5 threads fetch 5 pages at a time; `map` still yields the
// results in the order of the URLs. No internet: a local server answers each page after 100 ms.
import { ThreadPoolExecutor } from '#threading';
import { check } from './lib/check';
import { startSlowServer } from './lib/slow-server';

async function fetchUrl(url: string): Promise<[string, number, number]> {
  const response = await fetch(url);
  return [url, response.status, (await response.text()).length];
}

const server = await startSlowServer(100);
const urls = [
  `${server.url}/page1`,
  `${server.url}/page2`,
  `${server.url}/page3`,
  `${server.url}/page4`,
  `${server.url}/page5`,
  `${server.url}/page6`,
  `${server.url}/page7`,
  `${server.url}/page8`,
  `${server.url}/page9`,
  `${server.url}/page10`,
];

let results: [string, number, number][];
{
  using executor = new ThreadPoolExecutor(5);
  results = [...executor.map(fetchUrl, urls)];
}
await server.close();

for (const [url, status, length] of results) {
  console.log(`${url} returned ${status} with length ${length}`);
}
check(results.map(([url]) => url).join() === urls.join(), 'map should yield the results in URL order');
check(results.every(([, status, length]) => status === 200 && length > 0), 'every page should return 200 with a body');
