/**
 * TypeScript task() modules and `static module` Thread subclasses in a runtime that runs .ts
 * itself: Node ≥ 22.6 with type stripping (on by default from 23.6), Bun, Deno — and on Node 20
 * with tsx's loader (`node --import ./register-tsx.mjs main.ts`). .ci/run runs it on Node 26,
 * Node 20, Bun and Deno; it prints `ts-task-modules OK (<runtime>)` or exits 1.
 */
import { Queue, Thread, task } from '@threadkit/backend-workers';
import { Squarer } from './tasks.ts';

const g = globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } };
const runtime = g.Deno ? `deno ${g.Deno.version.deno}` : g.Bun ? `bun ${g.Bun.version}` : `node ${process.versions.node}`;
const out = new Queue<string>();
const t = new Thread({ target: task(new URL('./tasks.ts', import.meta.url).href, 'square'), args: [{ n: 7 }, out], name: 'ts-thread' });
t.start();
t.join();
const s = new Squarer({ n: 6 }, out);
s.start();
s.join();
const got = [out.get(true, 10_000), out.get(true, 10_000)];
console.log(got.join(' | '));
if (got[0] !== 'ts-thread: 49' || got[1] !== 'subclass: 36') {
  console.error(`ts-task-modules: expected "ts-thread: 49 | subclass: 36" (${runtime})`);
  process.exit(1);
}
console.log(`ts-task-modules OK (${runtime})`);
