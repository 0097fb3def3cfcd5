#!/usr/bin/env node
// The `threadkit-worker` command. This file is committed (dist/ is built), so npm links the bin
// at install time, before `npm run build` has made dist/; it loads the built CLI, or says how to
// build it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  console.error(
    `threadkit-worker: the CLI is not built (${fileURLToPath(cli)} is missing): ` +
      'run `npm run build` at the threadkit repository root (or in packages/distributed)',
  );
  process.exit(2);
}
await import(cli.href);
