#!/usr/bin/env node
// The `threadkit-trace` command: renders a trace written by stopTrace (or THREADKIT_TRACE) as an
// SVG timeline. This file is committed (dist/ is built), so npm links the bin at install time,
// before `npm run build` has made dist/; it loads the built renderer, or says how to build it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/trace-svg.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error(
    `threadkit-trace: the renderer is not built (${fileURLToPath(entry)} is missing): ` +
      'run `npm run build` at the threadkit repository root (or in packages/api)',
  );
  process.exit(2);
}
const { traceCommand } = await import(entry.href);
process.exitCode = traceCommand(process.argv.slice(2));
