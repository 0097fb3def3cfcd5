#!/usr/bin/env node
// Runs the examples (each examples/<name>.ts in its own Node process, with tsx — or in Bun or
// Deno, which run TypeScript themselves: --runtime bun|deno, found on PATH).
//   npm run example -- <name> [--backend workers|wasm|native]   one example, its output as is
//   npm run examples [-- --backend <b>] [-- --runtime <r>]      all of them, on every installed
//                                                                 backend (or just <b>); prints a table
// An example passes when it exits 0 within 60 s (each checks its own lesson and exits non-zero
// when it does not hold). The backend is chosen with `--conditions=<backend>` (Node, Bun and Deno
// alike), which picks the `#threading` import in examples/package.json. An example whose first
// line is `// requires: <command>` (the distributed one needs redis-server) is skipped, saying
// so, when that command is not on PATH.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const BACKENDS = ['workers', 'wasm', 'native'];
const RUNTIMES = ['node', 'bun', 'deno'];
const TIMEOUT_MS = 60_000;

function usage(message) {
  if (message) console.error(message);
  console.error('usage: node examples/run.mjs <name> [--backend workers|wasm|native] [--runtime node|bun|deno]\n       node examples/run.mjs --all [--backend workers|wasm|native] [--runtime node|bun|deno] [--skip <name>]...');
  process.exit(2);
}

function parseArgs(argv) {
  const options = { all: false, backend: undefined, runtime: 'node', names: [], skip: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--all') options.all = true;
    else if (arg === '--skip') options.skip.add(argv[++i]);
    else if (arg === '--backend') options.backend = argv[++i];
    else if (arg.startsWith('--backend=')) options.backend = arg.slice('--backend='.length);
    else if (arg === '--runtime') options.runtime = argv[++i];
    else if (arg.startsWith('--runtime=')) options.runtime = arg.slice('--runtime='.length);
    else if (arg.startsWith('-')) usage(`unknown option ${arg}`);
    else options.names.push(arg);
  }
  if (options.backend !== undefined && !BACKENDS.includes(options.backend)) usage(`unknown backend '${options.backend}'`);
  if (!RUNTIMES.includes(options.runtime)) usage(`unknown runtime '${options.runtime}'`);
  if (!options.all && options.names.length === 0) usage();
  return options;
}

/**
 * The backends whose package is installed, built and loads here: its entry file resolves from
 * examples/ and importing it in a child process succeeds (the native backend's package builds
 * without Rust, but has no addon then). Each one left out is reported on stderr with the reason.
 */
function installedBackends() {
  const require = createRequire(join(HERE, 'package.json'));
  return BACKENDS.filter((b) => {
    const name = `@threadkit/backend-${b}`;
    try {
      if (!existsSync(require.resolve(name))) return false;
    } catch {
      return false;
    }
    const probe = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(name)})`], { cwd: HERE, encoding: 'utf8' });
    if (probe.status === 0) return true;
    const reason = probe.stderr.split('\n').find((line) => /^\w*Error: /.test(line)) ?? `exit ${probe.status}`;
    console.error(`${b}: skipped (${name} does not load here: ${reason.trim()})`);
    return false;
  });
}

/**
 * The command an example needs that is missing here, or undefined. An example that needs one says
 * so on its first line (`// requires: redis-server`) and is skipped, with the reason, without it.
 */
function missingCommand(file) {
  const first = readFileSync(join(HERE, file), 'utf8').split('\n', 1)[0];
  const needed = /^\/\/ requires: (\S+)/.exec(first)?.[1];
  if (needed === undefined) return undefined;
  const found = spawnSync('sh', ['-c', `command -v ${needed}`], { stdio: 'ignore' }).status === 0;
  return found ? undefined : needed;
}

function allExamples() {
  return readdirSync(HERE).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).sort();
}

function exampleFile(name) {
  const file = name.replace(/^examples\//, '').replace(/\.ts$/, '') + '.ts';
  if (!allExamples().includes(file)) usage(`no example '${name}' (have: ${allExamples().map((f) => f.slice(0, -3)).join(', ')})`);
  return file;
}

/**
 * The command line that runs `file` with `backend` in `runtime`: Node through tsx; Bun as is;
 * Deno with every permission and `--sloppy-imports` (the examples import `./lib/x` without an
 * extension, as Node's and Bun's resolvers allow).
 */
function commandLine(runtime, backend, file) {
  const conditions = `--conditions=${backend}`;
  if (runtime === 'bun') return ['bun', [conditions, file]];
  if (runtime === 'deno') return ['deno', ['run', '-A', '--sloppy-imports', conditions, file]];
  return [process.execPath, [conditions, '--import', 'tsx', file]];
}

/** Runs one example; resolves { code, signal, timedOut, ms, output }. `capture`: collect output instead of showing it. */
function runExample(file, backend, capture) {
  return new Promise((resolve) => {
    const started = performance.now();
    const [command, args] = commandLine(options.runtime, backend, file);
    const child = spawn(command, args, {
      cwd: HERE,
      stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    });
    let output = '';
    if (capture) {
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, ms: performance.now() - started, output });
    });
  });
}

function resultText(r) {
  if (r.timedOut) return `FAIL (timeout ${TIMEOUT_MS / 1000} s)`;
  if (r.code === 0) return 'ok';
  if (r.code === 1) return 'FAIL';
  return r.signal ? `FAIL (${r.signal})` : `FAIL (exit ${r.code})`;
}

const options = parseArgs(process.argv.slice(2));
const installed = installedBackends();
if (options.backend !== undefined && !installed.includes(options.backend)) {
  console.error(`backend '${options.backend}' is not installed (installed: ${installed.join(', ') || 'none'})`);
  process.exit(2);
}

if (!options.all) {
  // One (or a few) examples, output shown as it comes.
  const backend = options.backend ?? installed[0] ?? 'workers';
  let failed = false;
  for (const name of options.names) {
    const missing = missingCommand(exampleFile(name));
    if (missing !== undefined) {
      console.error(`[${name}: skipped — it needs ${missing}, which is not on PATH]`);
      continue;
    }
    const r = await runExample(exampleFile(name), backend, false);
    if (r.code !== 0) failed = true;
    if (r.code !== 0 || options.names.length > 1) console.error(`[${name} on ${backend}: ${resultText(r)}, ${(r.ms / 1000).toFixed(1)} s]`);
  }
  process.exit(failed ? 1 : 0);
}

// All examples on each backend, one at a time (timing lessons need the machine's cores to themselves).
const backends = options.backend !== undefined ? [options.backend] : installed;
if (backends.length === 0) {
  console.error('no threadkit backend is installed (npm ci at the repo root)');
  process.exit(2);
}
// `--skip name` leaves an example out; names given with --all pick those only (a table and a total, as --all).
const picked = (name) => !options.skip.has(name) && (options.names.length === 0 || options.names.includes(name));
const files = allExamples().filter((file) => picked(file.slice(0, -3)));
const rows = [];
const totalStart = performance.now();
for (const backend of backends) {
  for (const file of files) {
    const missing = missingCommand(file);
    if (missing !== undefined) {
      const row = { example: file.slice(0, -3), backend, result: `skipped (${missing} not on PATH)`, time: '-' };
      rows.push(row);
      console.log(`skip ${row.example} (${backend}: ${missing} is not on PATH)`);
      continue;
    }
    const r = await runExample(file, backend, true);
    const row = { example: file.slice(0, -3), backend: options.runtime === 'node' ? backend : `${backend}, ${options.runtime}`, result: resultText(r), time: `${(r.ms / 1000).toFixed(1)} s` };
    rows.push(row);
    console.log(`${row.result === 'ok' ? 'ok  ' : 'FAIL'} ${row.example} (${row.backend}, ${row.time})`);
    if (r.code !== 0) console.log(r.output.replace(/^/gm, '    | '));
  }
}

const headers = { example: 'example', backend: 'backend', result: 'result', time: 'time' };
const keys = Object.keys(headers);
const width = Object.fromEntries(keys.map((k) => [k, Math.max(headers[k].length, ...rows.map((r) => r[k].length))]));
const line = (r) => keys.map((k) => r[k].padEnd(width[k])).join('  ').trimEnd();
console.log('');
console.log(line(headers));
console.log(keys.map((k) => '-'.repeat(width[k])).join('  '));
for (const r of rows) console.log(line(r));
const failures = rows.filter((r) => r.result !== 'ok' && !r.result.startsWith('skipped')).length;
const skipped = rows.filter((r) => r.result.startsWith('skipped')).length;
console.log(`\ntotal ${((performance.now() - totalStart) / 1000).toFixed(1)} s`);
console.log(`${rows.length - failures - skipped} passed, ${failures} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failures > 0 ? 1 : 0);
