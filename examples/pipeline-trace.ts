// The pipeline of seed 003 with a pool stage, traced: `stage1` generates items into a bounded
// queue, a ThreadPoolExecutor "transforms" each (a little CPU work under a shared lock, so some
// tasks wait), `stage3` saves the results. Between startTrace() and stopTrace(path) every thread
// records what it does; the trace file opens in Perfetto (ui.perfetto.dev) or chrome://tracing,
// and `threadkit-trace trace.json -o trace.svg` draws it (as this example does with the same
// renderer). Lesson: a trace shows what a dump cannot — where the time went: which thread ran
// which task when, who waited on what and for how long, how full the queue was.
// Writes pipeline-trace.json and .svg to TRACE_DIR (default: the OS temp folder).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Thread, Queue, Lock, ThreadPoolExecutor, startTrace, stopTrace } from '#threading';
import { renderTraceSvg } from '@threadkit/api/trace-svg';
import { check } from './lib/check';
import { warmUp } from './lib/warm-up';

function stage1(out: Queue<number | null>) {
  for (let i = 0; i < 12; i++) out.put(i);
  out.put(null);
}

function transform(item: number, lock: Lock): string {
  lock.acquire(); // a shared resource: tasks take turns here
  try {
    let sum = 0;
    for (let k = 0; k < 2_000_000; k++) sum += k % 7;
    return `item-${item}:${sum % 10}`;
  } finally {
    lock.release();
  }
}

function stage3(results: Queue<string | null>, saved: Queue<string>) {
  for (let item = results.get(); item !== null; item = results.get()) saved.put(item);
}

const dir = process.env.TRACE_DIR ?? tmpdir();
mkdirSync(dir, { recursive: true });
const path = join(dir, 'pipeline-trace.json');

warmUp(4); // started workers: the trace shows the pipeline, not the runtime starting its workers
startTrace();
const items = new Queue<number | null>(4);
const results = new Queue<string | null>();
const saved = new Queue<string>();
const lock = new Lock();
const producer = new Thread({ name: 'stage1', target: stage1, args: [items] });
const saver = new Thread({ name: 'stage3', target: stage3, args: [results, saved] });
producer.start();
saver.start();
const pool = new ThreadPoolExecutor(2, 'transform');
const futures = [];
for (let item = items.get(); item !== null; item = items.get()) futures.push(pool.submit(transform, item, lock));
for (const future of futures) results.put(future.result());
results.put(null);
producer.join();
saver.join();
pool.shutdown();
stopTrace(path);

const trace = JSON.parse(readFileSync(path, 'utf8'));
const svgPath = path.replace(/\.json$/, '.svg');
writeFileSync(svgPath, renderTraceSvg(trace, { title: 'pipeline-trace.ts: stage1 → pool "transform" → stage3' }));
console.log(`trace: ${path} (${trace.traceEvents.length} events), picture: ${svgPath}`);

const events: { ph: string; cat?: string; name: string }[] = trace.traceEvents;
const tasks = events.filter((e) => e.ph === 'X' && e.cat === 'task' && e.name === 'transform');
check(tasks.length === 12, `the trace should have the 12 transform tasks, got ${tasks.length}`);
check(events.some((e) => e.ph === 'M' && e.name === 'thread_name'), 'the trace should name its threads');
check(events.some((e) => e.ph === 'C' && e.name.startsWith('Queue')), 'the trace should count the queue sizes');
let count = 0;
while (!saved.empty()) {
  saved.get();
  count++;
}
check(count === 12, `stage3 should save 12 items, got ${count}`);
