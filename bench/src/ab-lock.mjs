#!/usr/bin/env node
/**
 * A/B of the uncontended Lock fast path between two builds: `node src/ab-lock.mjs <rounds>
 * <name>=<module> <name>=<module> …` runs a fresh process per sample, alternating the modules
 * (A B A B …), each timing 7 × 2M acquire + release of a shared Lock and keeping its best; prints
 * each module's best over all rounds (the least disturbed sample on a shared machine). Used for
 * the diagnostics' holder cell (issue 14): a build from before against this one.
 */
import { execFileSync } from 'node:child_process';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [, , roundsArg, ...specs] = process.argv;
if (specs.length === 0 && roundsArg !== '--child') {
  console.error('usage: node src/ab-lock.mjs <rounds> <name>=<module> …');
  process.exit(2);
}

if (roundsArg === '--child') {
  const { Lock, encode } = await import(specs[0]);
  const lock = new Lock();
  encode(lock); // shared, as a lock other threads use is
  const n = 2_000_000;
  let best = Infinity;
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      lock.acquire();
      lock.release();
    }
    best = Math.min(best, ((performance.now() - t0) * 1e6) / n);
  }
  console.log(best);
} else {
  const contenders = specs.map((spec) => {
    const [name, module] = spec.split('=');
    // A path is taken from the current directory; a package name is imported as is.
    const url = module.startsWith('.') || isAbsolute(module) ? pathToFileURL(resolve(module)).href : module;
    return { name, module: url, best: Infinity };
  });
  const self = fileURLToPath(import.meta.url);
  for (let round = 0; round < Number(roundsArg); round++) {
    for (const c of contenders) {
      const ns = Number(execFileSync(process.execPath, [self, '--child', c.module], { encoding: 'utf8' }).trim());
      c.best = Math.min(c.best, ns);
    }
  }
  for (const c of contenders) console.log(`${c.name}: ${c.best.toFixed(2)} ns per acquire + release (best of ${roundsArg} processes)`);
}
