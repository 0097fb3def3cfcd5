/**
 * Contender processes: a forked Node runner (runner.mjs, IPC) or the CPython script in
 * --serve mode (JSON lines on stdin/stdout). Both answer `request(message)` with a reply
 * object; a request that takes longer than `timeoutMs` kills the process and rejects.
 */
import { fork, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const RUNNER = fileURLToPath(new URL('./runner.mjs', import.meta.url));
const PY_SCRIPT = fileURLToPath(new URL('../python/bench.py', import.meta.url));

class Proc {
  pending = new Map();
  nextId = 1;
  exited = false;

  settle(reply) {
    const entry = this.pending.get(reply.id);
    if (entry === undefined) return;
    this.pending.delete(reply.id);
    clearTimeout(entry.timer);
    if (reply.error !== undefined) entry.reject(new Error(reply.error));
    else entry.resolve(reply);
  }

  failAll(error) {
    for (const entry of this.pending.values()) {
      clearTimeout(entry.timer);
      entry.reject(error);
    }
    this.pending.clear();
  }

  request(message, timeoutMs) {
    if (this.exited) return Promise.reject(new Error('contender process has exited'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`timed out after ${timeoutMs / 1000} s`));
        this.kill();
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.send({ id, ...message });
    });
  }
}

/** A Node contender (`runner.mjs role arg`). */
export class NodeProc extends Proc {
  static async start(role, arg) {
    const p = new NodeProc();
    p.child = fork(RUNNER, arg === undefined ? [role] : [role, arg], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = new Promise((resolve, reject) => {
      p.child.on('message', (m) => (m.ready ? resolve() : p.settle(m)));
      p.child.on('exit', (code, signal) => {
        p.exited = true;
        const error = new Error(`contender process exited (${signal ?? `code ${code}`})`);
        reject(error);
        p.failAll(error);
      });
    });
    await ready;
    return p;
  }

  send(message) {
    this.child.send(message);
  }

  kill() {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  async close() {
    if (this.exited) return;
    const gone = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.disconnect();
    const timer = setTimeout(() => this.kill(), 5_000);
    await gone;
    clearTimeout(timer);
  }
}

/** The CPython contender: `python bench.py --serve`. */
export class PythonProc extends Proc {
  static async start(python) {
    const p = new PythonProc();
    p.child = spawn(python.command, [PY_SCRIPT, '--serve'], {
      env: { ...process.env, ...python.env },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    p.queue = [];
    createInterface({ input: p.child.stdout }).on('line', (line) => p.settle({ id: p.queue.shift(), ...JSON.parse(line) }));
    p.child.on('exit', (code, signal) => {
      p.exited = true;
      p.failAll(new Error(`python exited (${signal ?? `code ${code}`})`));
    });
    p.child.on('error', (error) => {
      p.exited = true;
      p.failAll(error);
    });
    return p;
  }

  send({ id, ...message }) {
    this.queue.push(id);
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  kill() {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  async close() {
    if (this.exited) return;
    const gone = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.end();
    const timer = setTimeout(() => this.kill(), 5_000);
    await gone;
    clearTimeout(timer);
  }
}
