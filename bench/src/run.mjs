#!/usr/bin/env node
/**
 * `npm run bench [-- options]`: every figure of issue 6 for each installed threadkit backend and
 * for the anchors (CPython, raw Atomics/worker_threads, piscina, tinypool), interleaved: after a
 * warm-up, each round takes one sample of every contender in turn (A B C A B C …), so machine
 * drift cancels in the per-round ratios. Writes results/latest.md, latest.svg and latest.json
 * (every sample, for a second look).
 *
 * Options:
 *   --quick          smoke run: tiny sizes, few rounds (< 60 s); writes results/quick.*; asserts
 *                    nothing about speed, but exits 1 when a contender fails
 *   --only a,b       only these figure ids (see figures.mjs)
 *   --rounds N       measured rounds per figure (default 9; quick 2)
 *   --out NAME       results/NAME.md and results/NAME.svg (default latest; quick: quick)
 * Environment: BENCH_PYTHON=/path/to/python overrides the CPython search (`none` skips CPython).
 * BENCH_EXTRA_BACKENDS=name=path/to/dist/index.js,… adds contenders (e.g. an earlier commit's build).
 * The root `npm run bench` builds the packages first (turbo; cached when up to date).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FIGURES, sizeOf } from './figures.mjs';
import { findBackends, findPython, machine, packageVersion } from './discover.mjs';
import { NodeProc, PythonProc } from './procs.mjs';
import { renderMarkdown, summarize } from './report.mjs';
import { renderSvg } from './chart.mjs';
import { HAVE_REDIS } from './dist-cluster.mjs';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    rounds: { type: 'string' },
    out: { type: 'string' },
  },
});
const quick = opts.quick;
const rounds = Number(opts.rounds ?? (quick ? 2 : 9));
const warmups = quick ? 1 : 2;
const freshRounds = quick ? 1 : 7;
const timeoutMs = quick ? 30_000 : 120_000;
const out = opts.out ?? (quick ? 'quick' : 'latest');
// The distributed figures start a redis-server and worker processes: not in the smoke run, and
// skipped (with a note) where redis-server is not on PATH.
let figures = opts.only ? FIGURES.filter((f) => opts.only.split(',').includes(f.id)) : FIGURES.filter((f) => !(quick && f.distributed));
const skippedDistributed = HAVE_REDIS ? [] : figures.filter((f) => f.distributed);
figures = figures.filter((f) => !skippedDistributed.includes(f));
if (figures.length === 0) throw new Error(`--only matched no figure; ids: ${FIGURES.map((f) => f.id).join(', ')}`);

const started = Date.now();
const env = { machineAtStart: machine(), notes: [] };
const backends = findBackends();
env.notes.push(...backends.notes);
env.backends = backends.found;
env.python = findPython();
if (env.python === undefined) env.notes.push(process.env.BENCH_PYTHON === 'none' ? 'CPython: skipped (BENCH_PYTHON=none)' : 'CPython: no python3.13 / python3 found — CPython rows skipped');
if (skippedDistributed.length > 0) env.notes.push(`redis-server not on PATH: ${skippedDistributed.map((f) => f.id).join(', ')} skipped`);
env.versions = { piscina: packageVersion('piscina'), tinypool: packageVersion('tinypool'), bullmq: packageVersion('bullmq') };
for (const [name, version] of Object.entries(env.versions)) {
  if (version === undefined) env.notes.push(`${name}: not installed — skipped`);
}
log(
  `bench${quick ? ' --quick' : ''}: ${env.machineAtStart.cores} cores, load ${env.machineAtStart.load}; ` +
    `backends: ${env.backends.map((b) => b.name).join(', ') || 'none'}; ` +
    `CPython: ${env.python ? `${env.python.version} (${Object.entries(env.python.env).map(([k, v]) => `${k}=${v} `).join('')}${env.python.command})` : 'none'}`,
);
for (const note of env.notes) log(`  note: ${note}`);

/** Contenders of a figure: one per backend, then its available anchors. */
function contendersOf(figure) {
  const list = env.backends.map((b) => ({ key: `tk:${b.name}`, role: 'tk', backend: b, label: `threadkit (${b.name})` }));
  for (const [role, label] of Object.entries(figure.anchors)) {
    if (role === 'cpython' && env.python === undefined) continue;
    if ((role === 'piscina' || role === 'tinypool' || role === 'bullmq') && env.versions[role] === undefined) continue;
    const version = role === 'cpython' ? ` ${env.python.version}` : role in env.versions ? ` ${env.versions[role]}` : '';
    list.push({ key: role, role, label: label.replace(/^(CPython|piscina|tinypool|BullMQ)/, `$1${version}`) });
  }
  return list;
}

function startProc(contender) {
  if (contender.role === 'cpython') return PythonProc.start(env.python);
  if (contender.role === 'tk') return NodeProc.start('threadkit', contender.backend.module);
  return NodeProc.start(contender.role);
}

const persistent = new Map();
async function procFor(contender) {
  let proc = persistent.get(contender.key);
  if (proc === undefined || proc.exited) {
    proc = await startProc(contender);
    persistent.set(contender.key, proc);
  }
  return proc;
}

/** One sample; fresh figures get a process of their own. */
async function sample(figure, contender) {
  const n = sizeOf(figure, contender.role, quick);
  const proc = figure.fresh ? await startProc(contender) : await procFor(contender);
  try {
    return await proc.request({ op: 'sample', figure: figure.id, n }, timeoutMs);
  } finally {
    if (figure.fresh) await proc.close();
  }
}

const results = [];
let failures = 0;
for (const figure of figures) {
  const t0 = Date.now();
  const contenders = contendersOf(figure);
  const data = new Map(contenders.map((c) => [c.key, { contender: c, values: [], extras: [], error: undefined }]));
  // A figure may ask for more warm-up rounds than the default (its own `warmups`, full runs only).
  const warm = quick ? warmups : (figure.warmups ?? warmups);
  const total = figure.fresh ? (figure.rounds ?? freshRounds) : warm + rounds;
  for (let round = 0; round < total; round++) {
    const measured = figure.fresh || round >= warm;
    for (const c of contenders) {
      const d = data.get(c.key);
      if (d.error !== undefined) continue;
      try {
        const reply = await sample(figure, c);
        if (measured) {
          d.values.push(reply.value);
          d.extras.push(reply.extra ?? {});
        }
      } catch (error) {
        d.error = error.message;
        failures++;
        log(`  ${figure.id} / ${c.label}: ERROR ${error.message}`);
      }
    }
  }
  if (!figure.fresh) {
    for (const c of contenders) {
      const proc = persistent.get(c.key);
      if (proc && !proc.exited) await proc.request({ op: 'end', figure: figure.id }, timeoutMs).catch(() => {});
    }
  }
  const result = summarize(figure, [...data.values()]);
  results.push(result);
  log(`${figure.id} (${((Date.now() - t0) / 1000).toFixed(1)} s): ${result.line}`);
}
await Promise.all([...persistent.values()].map((p) => p.close()));

env.machineAtEnd = machine();
env.seconds = (Date.now() - started) / 1000;
env.mode = quick ? 'quick (smoke run: tiny sizes, figures are not meaningful)' : 'full';
env.rounds = { warmups, rounds, freshRounds };
const dir = new URL('../results/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL(`${out}.md`, dir), renderMarkdown(results, env));
writeFileSync(new URL(`${out}.svg`, dir), renderSvg(results, env));
const raw = results.map(({ figure, rows, ratios, goals }) => ({ id: figure.id, kind: figure.kind, rows, ratios, goals }));
writeFileSync(new URL(`${out}.json`, dir), `${JSON.stringify({ env, results: raw }, null, 1)}\n`);
log(`wrote bench/results/${out}.md, ${out}.svg and ${out}.json (raw samples) in ${env.seconds.toFixed(0)} s`);
if (failures > 0) {
  log(`${failures} contender(s) failed`);
  process.exitCode = 1;
}

function log(line) {
  process.stdout.write(`${line}\n`);
}
