/**
 * What this machine can run: the installed threadkit backends (resolved from bench/, skipped
 * with a note when absent or unbuilt), a CPython (3.13 preferred), and the machine itself.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Backend packages, in the order their rows appear. */
export const BACKENDS = ['@threadkit/backend-workers', '@threadkit/backend-wasm', '@threadkit/backend-native'];

/**
 * Extra contenders from BENCH_EXTRA_BACKENDS: `name=module,…` (a module path or package), e.g. a
 * build of an earlier commit, to put before and after side by side in one run.
 */
function extraBackends() {
  const spec = process.env.BENCH_EXTRA_BACKENDS ?? '';
  return spec
    .split(',')
    .filter((entry) => entry.includes('='))
    .map((entry) => {
      const [name, module] = entry.split('=');
      return { name: name.trim(), module: path.resolve(module.trim()) };
    });
}

/** `{ found: [{ module, name }], notes: [string] }` for the backend packages (and BENCH_EXTRA_BACKENDS). */
export function findBackends(only) {
  const found = [];
  const notes = [];
  for (const extra of only === undefined ? extraBackends() : []) {
    if (existsSync(extra.module)) found.push(extra);
    else notes.push(`${extra.name}: ${extra.module} missing — skipped`);
  }
  for (const module of only ?? BACKENDS) {
    const name = module.replace(/^@threadkit\/backend-/, '');
    let url;
    try {
      url = import.meta.resolve(module);
    } catch {
      notes.push(`${module}: not installed — skipped`);
      continue;
    }
    if (url.startsWith('file:') && !existsSync(fileURLToPath(url))) {
      notes.push(`${module}: installed but not built (${fileURLToPath(url)} missing; run \`npm run build\`) — skipped`);
      continue;
    }
    const probe = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(module)})`], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
    });
    if (probe.status !== 0) {
      const reason = probe.stderr.split('\n').find((line) => /^\w*Error: /.test(line)) ?? `exit ${probe.status}`;
      notes.push(`${module}: does not load here (${reason.trim()}) — skipped`);
      continue;
    }
    found.push({ module, name });
  }
  return { found, notes };
}

/**
 * The CPython to compare with: $BENCH_PYTHON (`none`: no CPython), else `python3.13`, else `python3.13` with
 * PYENV_VERSION=3.13.0 (pyenv has it but it is not the active version), else `python3`.
 * Returns `{ command, env, version, gil }` or undefined.
 */
export function findPython() {
  if (process.env.BENCH_PYTHON === 'none') return undefined;
  const candidates = [];
  if (process.env.BENCH_PYTHON) candidates.push({ command: process.env.BENCH_PYTHON, env: {} });
  candidates.push(
    { command: 'python3.13', env: {} },
    { command: 'python3.13', env: { PYENV_VERSION: '3.13.0' } },
    { command: 'python3', env: {} },
  );
  const probe =
    "import sys, json; print(json.dumps({'version': sys.version.split()[0], 'impl': sys.implementation.name, " +
    "'gil': sys._is_gil_enabled() if hasattr(sys, '_is_gil_enabled') else True}))";
  for (const candidate of candidates) {
    const r = spawnSync(candidate.command, ['-c', probe], {
      env: { ...process.env, ...candidate.env },
      encoding: 'utf8',
      timeout: 20_000,
    });
    if (r.status !== 0) continue;
    try {
      const info = JSON.parse(r.stdout.trim());
      if (info.impl !== 'cpython') continue;
      return { ...candidate, ...info };
    } catch {
      continue;
    }
  }
  return undefined;
}

/** Version of an installed package, resolved from bench/. */
export function packageVersion(name) {
  let dir;
  try {
    dir = path.dirname(fileURLToPath(import.meta.resolve(name)));
  } catch {
    return undefined;
  }
  for (; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    if (pkg.name === name) return pkg.version;
  }
  return undefined;
}

/** A one-line description of the machine and its load. */
export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model?.trim() ?? 'unknown CPU',
    cores: os.availableParallelism?.() ?? cpus.length,
    load: os.loadavg().map((l) => l.toFixed(2)).join(' '),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}
