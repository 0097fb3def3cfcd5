#!/usr/bin/env node
// The `threadkit-dump` command: `threadkit-dump <pid> [--port N] [--timeout ms]` makes a running
// Node process that uses threadkit print its thread dump (dumpThreads()) on its own stderr, even
// while its main thread is blocked in a threadkit wait. It sends the process SIGUSR1, on which
// Node opens its inspector (on 127.0.0.1, port 9229 or the process's --inspect-port) from a thread
// of its own, connects, and evaluates the hook the api installed on the main thread; V8 runs that
// evaluation as an interrupt, even inside a blocking wait (the api's diagnostics/dump-request.ts).
// Plain Node, no build needed: fetch for the inspector's target list, WebSocket for its protocol.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const USAGE = 'usage: threadkit-dump <pid> [--port N] [--timeout ms]';

if (typeof WebSocket === 'undefined') {
  // Node 20 has WebSocket behind a flag (from 20.10): run again with it.
  if (process.execArgv.includes('--experimental-websocket')) {
    console.error(`threadkit-dump: this Node (${process.version}) has no WebSocket: it needs Node 20.10 or later`);
    process.exit(1);
  }
  const again = spawnSync(process.execPath, ['--experimental-websocket', '--no-warnings', fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(again.status ?? 1);
}

/** Exits with `code` after printing `message` on stderr. */
function fail(message, code = 1) {
  console.error(`threadkit-dump: ${message}`);
  process.exit(code);
}

function parseArgs(args) {
  const options = { pid: undefined, port: 9229, timeout: 10_000 };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-h' || arg === '--help') {
      console.error(USAGE);
      process.exit(0);
    }
    if (arg === '--port' || arg === '--timeout') {
      const value = Number(args[++i]);
      if (!Number.isInteger(value) || value < (arg === '--port' ? 1 : 0) || (arg === '--port' && value > 65535)) fail(`${arg} needs a whole number${arg === '--port' ? ' from 1 to 65535' : ' of ms'}\n${USAGE}`, 2);
      options[arg.slice(2)] = value;
    } else if (options.pid === undefined && /^\d+$/.test(arg) && Number(arg) > 0) {
      options.pid = Number(arg);
    } else {
      fail(`unexpected argument ${arg}\n${USAGE}`, 2);
    }
  }
  if (options.pid === undefined) fail(USAGE, 2);
  return options;
}

/** The inspector's first target on `port`, or undefined while nothing answers there. */
async function target(port) {
  try {
    const list = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
    return Array.isArray(list) ? list.find((t) => typeof t.webSocketDebuggerUrl === 'string') : undefined;
  } catch {
    return undefined;
  }
}

/** Evaluates `expression` in the target behind `url`; resolves to its value, rejects after `ms`. */
function evaluate(url, expression, ms) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('timeout'));
    }, ms);
    socket.addEventListener('error', () => {
      clearTimeout(timer);
      reject(new Error(`cannot connect to ${url}`));
    });
    socket.addEventListener('open', () => {
      socket.send(JSON.stringify({ id: 1, method: 'Runtime.evaluate', params: { expression, returnByValue: true } }));
    });
    socket.addEventListener('message', (message) => {
      const reply = JSON.parse(String(message.data));
      if (reply.id !== 1) return;
      clearTimeout(timer);
      socket.close();
      if (reply.result?.exceptionDetails !== undefined) reject(new Error(reply.result.exceptionDetails.exception?.description ?? 'the evaluation threw'));
      else resolve(reply.result?.result?.value);
    });
  });
}

const { pid, port, timeout } = parseArgs(process.argv.slice(2));
try {
  process.kill(pid, 0);
} catch (error) {
  fail(error.code === 'EPERM' ? `not allowed to signal process ${pid}` : `no process ${pid}`);
}
const deadline = performance.now() + timeout;
let found = await target(port);
if (found === undefined) {
  process.kill(pid, 'SIGUSR1');
  while ((found = await target(port)) === undefined) {
    if (performance.now() > deadline) fail(`process ${pid} opened no inspector on 127.0.0.1:${port} within ${timeout} ms after SIGUSR1 (not Node, started with --disable-sigusr1, or another --inspect-port: pass --port)`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
const hook = "globalThis[Symbol.for('threadkit.requestDump')]";
let answer;
try {
  answer = await evaluate(found.webSocketDebuggerUrl, `[process.pid, typeof ${hook} === 'function' ? ${hook}() : null]`, Math.max(1000, deadline - performance.now()));
} catch (error) {
  if (error.message !== 'timeout') fail(error.message);
  fail(`process ${pid} did not answer within ${timeout} ms: its main thread is blocked outside JavaScript (the native backend parks in its addon: there, enableDumpOnSignal() / THREADKIT_DUMP_ON_SIGNAL and kill -USR2 ${pid} print the dump)`);
}
const [answeredPid, message] = answer;
if (answeredPid !== pid) fail(`the inspector on 127.0.0.1:${port} is process ${answeredPid}'s, not ${pid}'s: pass the --port of ${pid}'s inspector`);
if (message === null) fail(`process ${pid} has no threadkit main thread (no backend package imported)`);
console.log(`threadkit-dump: ${message}`);
