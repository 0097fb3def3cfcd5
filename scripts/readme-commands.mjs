/**
 * The README-commands test: every shell command the root README.md shows must work exactly as
 * written. It collects the commands (each line of a ```sh block, and every inline `npm …`,
 * `npx …` or `node …` span in the prose), then runs each from the repository root, in order,
 * failing on the first that exits non-zero.
 *
 * A command that is not run must be listed in SKIPPED below with its reason (long-running and run
 * by another section of .ci/run exactly as written, interactive, or a template with placeholders);
 * a listed command the README no longer shows is an error, so the list cannot go stale.
 *
 *   node scripts/readme-commands.mjs          run them (prints `readme-commands: N passed, N failed`)
 *   node scripts/readme-commands.mjs --list   only list them, each with run / skipped and why
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Commands not run here, each with the reason. */
const SKIPPED = new Map([
  ['npm ci && npm run demo', '.ci/run\'s no-Rust section runs exactly this, on a fresh clone with cargo off PATH'],
  ['npm ci && npm test', 'long-running (~6 min): .ci/run\'s first section runs exactly this'],
  ['npm test', 'long-running (~6 min): .ci/run\'s first section runs exactly this'],
  ['npx threadkit-conformance --backend workers', 'long-running (~2 min): .ci/run\'s Node 26 conformance section runs exactly this'],
  ['npx threadkit-conformance --backend ./path/to/module.js', 'a template: ./path/to/module.js stands for a third-party backend'],
  ['npm run example -- <name> [--backend workers|wasm|native]', 'a template with placeholders (npm run examples runs every example)'],
  ['npm run examples', 'long-running (~6 min): .ci/run\'s examples section runs every example, the five slowest on workers only'],
  ['npm run bench', 'long-running (~25 min) and machine-bound: .ci/run runs its smoke form, npm run bench -- --quick'],
  ['node scripts/readme-commands.mjs', 'this test itself'],
  [
    'npx threadkit-worker --connection redis://127.0.0.1:6379 --queue jobs --tasks ./tasks.js --threads 4',
    'a long-running server needing a Redis and a tasks.js: packages/distributed\'s suite and the distributed example run threadkit-worker',
  ],
  ['node client.js', 'the client of the Scaling out sketch (client.js is the code block below it); the distributed example runs one'],
  ['npm run changeset', 'interactive: it asks which packages changed'],
  ['npx threadkit-dump <pid>', 'a template: <pid> stands for a running process (the conformance area diagnostics runs threadkit-dump against one)'],
  ['npm run lint', '.ci/run\'s lint section runs exactly this'],
  ['node examples/run.mjs --all --backend workers --runtime bun', 'long-running (~1 min): .ci/run\'s Bun and Deno examples sections run exactly this (and its Deno form)'],
  ['bun packages/conformance/bin/threadkit-conformance.mjs --backend workers', 'long-running (~2 min): .ci/run\'s Bun section runs exactly this'],
  [
    'deno run -A --v8-flags=--expose-gc packages/conformance/bin/threadkit-conformance.mjs --backend workers',
    'long-running (~2.5 min): .ci/run\'s Deno section runs exactly this',
  ],
]);

/** The README's shell commands, in order of appearance, without duplicates. */
export function readmeCommands(text) {
  const commands = [];
  const add = (command) => {
    const c = command.trim();
    if (c !== '' && !commands.includes(c)) commands.push(c);
  };
  let inShell = false;
  let inOther = false;
  for (const line of text.split('\n')) {
    const fence = /^\s*```\s*(\w*)/.exec(line);
    if (fence) {
      if (inShell || inOther) inShell = inOther = false;
      else if (['sh', 'bash', 'shell', 'console'].includes(fence[1])) inShell = true;
      else inOther = true;
      continue;
    }
    if (inShell) {
      if (/^\s*#/.test(line)) continue;
      add(line.replace(/\s+#\s.*$/, ''));
    } else if (!inOther) {
      for (const m of line.matchAll(/`((?:npm|npx|node) [^`]+)`/g)) add(m[1]);
    }
  }
  return commands;
}

const list = process.argv.includes('--list');
const commands = readmeCommands(readFileSync(`${root}README.md`, 'utf8'));
const stale = [...SKIPPED.keys()].filter((c) => !commands.includes(c));
if (stale.length > 0) {
  console.error(`readme-commands: SKIPPED lists commands the README no longer shows: ${stale.join(' | ')}`);
  process.exit(1);
}
let passed = 0;
let failed = 0;
for (const command of commands) {
  const reason = SKIPPED.get(command);
  if (reason !== undefined) {
    console.log(`skip  ${command}  — ${reason}`);
    continue;
  }
  if (list) {
    console.log(`run   ${command}`);
    continue;
  }
  console.log(`\n===== readme-commands: ${command}`);
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', command], { cwd: root, stdio: 'inherit' });
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  if (r.status === 0) {
    passed++;
    console.log(`ok    ${command}  (${secs} s)`);
  } else {
    failed++;
    console.log(`FAIL  ${command}  (exit ${r.status ?? r.signal}, ${secs} s)`);
    break;
  }
}
if (!list) console.log(`readme-commands: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
