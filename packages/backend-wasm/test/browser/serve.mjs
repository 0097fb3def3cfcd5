/**
 * A static server for the browser suite on 127.0.0.1 with the headers that make a page
 * cross-origin isolated (COOP same-origin, COEP require-corp). It serves the repo's packages/
 * and the suite's bundles, and rewrites the bare specifiers in JS to URLs (module Web Workers
 * have no import maps), so every realm loads one copy of the api and of the backend.
 */
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.html': 'text/html', '.wasm': 'application/wasm' };
const SPECIFIERS = {
  '@threadkit/api': '/__b/api.js',
  '@threadkit/api/spi': '/__b/api-spi.js',
  '@threadkit/api/source-check': '/__b/api-source-check.js',
  '@threadkit/backend-wasm': '/packages/backend-wasm/dist/browser.js',
  '#backend': '/packages/backend-wasm/dist/browser.js',
  vitest: '/__b/vitest-shim.js',
};

function rewrite(source) {
  return source.replace(/(\bfrom\s*|\bimport\s*\(?\s*)(["'])([^"']+)\2/g, (whole, lead, quote, spec) => {
    const url = SPECIFIERS[spec] ?? (spec.startsWith('node:') ? '/__b/node-stub.js' : undefined);
    return url === undefined ? whole : `${lead}${quote}${url}${quote}`;
  });
}

/** Serves `mounts` (URL prefix → directory; longest prefix wins) plus `pages` (URL → HTML); resolves to the server once listening. */
export function serve(mounts, pages) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cache-Control': 'no-store' };
    if (pages[path] !== undefined) {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(pages[path]);
      return;
    }
    const prefix = prefixes.find((p) => path.startsWith(p));
    const file = prefix === undefined ? undefined : normalize(join(mounts[prefix], path.slice(prefix.length)));
    if (file === undefined || !file.startsWith(mounts[prefix])) {
      if (process.env.BROWSER_DEBUG) console.error(`404 ${path}`);
      res.writeHead(404, headers).end();
      return;
    }
    try {
      const body = await readFile(file);
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      res.writeHead(200, { ...headers, 'Content-Type': type }).end(type === 'text/javascript' ? rewrite(body.toString('utf8')) : body);
    } catch {
      if (process.env.BROWSER_DEBUG) console.error(`404 ${path}`);
      res.writeHead(404, headers).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
