import { defineConfig } from 'tsup';

// Five entries, each published as ESM (dist/<entry>.js) and CJS (dist/<entry>.cjs) with its own
// declarations (.d.ts / .d.cts): the user API (index), the backend SPI and helpers for backend
// authors (spi), the Node host kit (node) and the acorn-based free-variable finder
// (source-check), which the api loads only when a thread starts a thread, and the trace renderer
// behind the `threadkit-trace` command (trace-svg). The entries share
// modules with state (the installed backend, the thread tables), so the build splits them into
// shared chunks, in both formats (tsup's CJS splitting), and every entry sees the same instance
// of each module. Dependencies (acorn, acorn-globals) stay external. `shims` gives the CJS build
// an `import.meta.url` (the api resolves source-check from it).
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    spi: 'src/spi-entry.ts',
    node: 'src/node/index.ts',
    'source-check': 'src/source-check/index.ts',
    'trace-svg': 'src/trace-svg/index.ts',
  },
  format: ['esm', 'cjs'],
  target: 'es2022',
  platform: 'node',
  dts: true,
  shims: true,
  sourcemap: false,
  // Non-ASCII characters are escaped, so V8 keeps the source as one byte per character (one stray
  // '—' would make it two): every thread evaluates this bundle.
  esbuildOptions(options) {
    options.charset = 'ascii';
  },
  splitting: true,
});
