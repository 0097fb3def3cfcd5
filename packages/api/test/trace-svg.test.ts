/**
 * The trace renderer, checked in a real headless Chromium (Debian's `chromium`, through
 * playwright-core): the SVG of a known trace is loaded, screenshot, and the screenshot's pixels
 * checked — each thread's row where the layout puts it, each kind's colour present, a task span
 * and a wait span where they belong. Without Chromium the test is skipped with the reason, unless
 * THREADKIT_REQUIRE_CHROMIUM=1 (CI installs Chromium and sets it).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KIND_COLOURS, renderTraceSvg, type RenderEvent } from '../src/trace-svg';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** A small trace: main submits two tasks to two pool threads, one of which waits on a lock; main also awaits a queue. */
function sampleTrace(): RenderEvent[] {
  const ms = 1000;
  const t0 = 1_700_000_000_000_000;
  const meta = (tid: number, name: string): RenderEvent[] => [
    { name: 'thread_name', ph: 'M', ts: 0, tid, args: { name } },
    { name: 'thread_sort_index', ph: 'M', ts: 0, tid, args: { sort_index: tid } },
  ];
  return [
    ...meta(1, 'MainThread'),
    ...meta(2, 'pool_0'),
    ...meta(3, 'pool_1'),
    { name: 'MainThread', ph: 'X', cat: 'thread', ts: t0, dur: 100 * ms, tid: 1 },
    { name: 'submit crunch', ph: 'X', cat: 'submit', ts: t0 + 5 * ms, dur: 8 * ms, tid: 1 },
    { name: 'submit', ph: 's', cat: 'flow', id: 1, ts: t0 + 5 * ms, tid: 1 },
    { name: 'submit crunch', ph: 'X', cat: 'submit', ts: t0 + 15 * ms, dur: 8 * ms, tid: 1 },
    { name: 'submit', ph: 's', cat: 'flow', id: 2, ts: t0 + 15 * ms, tid: 1 },
    { name: 'Future.result <Future state=running> 0x80', ph: 'X', cat: 'wait', ts: t0 + 30 * ms, dur: 60 * ms, tid: 1 },
    // An …Async wait (an async span) that overlaps the sync wait: a lane of its own.
    { name: 'Queue.get <Queue size=0> 0x600', ph: 'b', cat: 'await', id: '1.1', ts: t0 + 40 * ms, tid: 1 },
    { name: 'Queue.get <Queue size=0> 0x600', ph: 'e', cat: 'await', id: '1.1', ts: t0 + 70 * ms, tid: 1 },
    { name: 'pool_0', ph: 'X', cat: 'thread', ts: t0 + 2 * ms, dur: 95 * ms, tid: 2 },
    { name: 'submit', ph: 'f', bp: 'e', cat: 'flow', id: 1, ts: t0 + 20 * ms, tid: 2 },
    { name: 'crunch', ph: 'X', cat: 'task', ts: t0 + 20 * ms, dur: 50 * ms, tid: 2 },
    { name: 'pool_1', ph: 'X', cat: 'thread', ts: t0 + 3 * ms, dur: 94 * ms, tid: 3 },
    { name: 'submit', ph: 'f', bp: 'e', cat: 'flow', id: 2, ts: t0 + 25 * ms, tid: 3 },
    { name: 'crunch', ph: 'X', cat: 'task', ts: t0 + 25 * ms, dur: 60 * ms, tid: 3 },
    { name: 'Lock.acquire <Lock locked> 0x40', ph: 'X', cat: 'wait', ts: t0 + 30 * ms, dur: 35 * ms, tid: 3 },
    { name: 'Queue 0x600', ph: 'C', cat: 'counter', ts: t0 + 10 * ms, tid: 1, args: { size: 1 } },
    { name: 'Queue 0x600', ph: 'C', cat: 'counter', ts: t0 + 40 * ms, tid: 2, args: { size: 3 } },
    { name: 'Queue 0x600', ph: 'C', cat: 'counter', ts: t0 + 80 * ms, tid: 3, args: { size: 0 } },
  ];
}

interface Box {
  kind: string;
  x: number;
  y: number;
  w: number;
  h: number;
  name: string;
}

/** The span rectangles the SVG draws (class="span"), with their kind and tooltip name. */
function spanBoxes(svg: string): Box[] {
  const boxes: Box[] = [];
  const re = /<rect class="span" data-kind="(\w+)" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"[^>]*><title>([^<]*) —/g;
  for (let m = re.exec(svg); m !== null; m = re.exec(svg)) {
    boxes.push({ kind: m[1]!, x: Number(m[2]), y: Number(m[3]), w: Number(m[4]), h: Number(m[5]), name: m[6]! });
  }
  return boxes;
}

function rgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

describe('threadkit-trace: the SVG timeline in headless Chromium', () => {
  it('shows a row per thread and every kind of span in its colour (screenshot pixels)', async (ctx) => {
    if (!existsSync(CHROMIUM)) {
      if (process.env.THREADKIT_REQUIRE_CHROMIUM === '1') throw new Error(`Chromium is required but ${CHROMIUM} does not exist`);
      ctx.skip(`needs Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM)`);
    }
    const svg = renderTraceSvg(sampleTrace(), { width: 1000, title: 'sample' });
    const width = Number(/width="(\d+)"/.exec(svg)![1]);
    const height = Number(/height="(\d+)"/.exec(svg)![1]);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 1 });
      await page.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`);
      const png = await page.screenshot({ clip: { x: 0, y: 0, width, height } });
      // The screenshot's pixels, decoded by the browser: [r, g, b] at the points asked for, and
      // how many pixels have each kind's colour.
      const boxes = spanBoxes(svg);
      // Three points along each span's lower edge (below its label's baseline): left, middle, right.
      const probes = boxes.flatMap((b) => [b.x + 1, b.x + b.w / 2, b.x + b.w - 1.5].map((px) => [Math.floor(px), Math.floor(b.y + b.h - 2)]));
      const colours = Object.entries(KIND_COLOURS).map(([kind, hex]) => [kind, rgb(hex)] as const);
      const result = await page.evaluate(
        async ({ data, probes, colours }) => {
          const img = new Image();
          img.src = `data:image/png;base64,${data}`;
          await img.decode();
          const canvas = document.createElement('canvas');
          canvas.width = img.width;
          canvas.height = img.height;
          const g = canvas.getContext('2d')!;
          g.drawImage(img, 0, 0);
          const px = g.getImageData(0, 0, img.width, img.height).data;
          const at = (x: number, y: number): number[] => Array.from(px.slice((y * img.width + x) * 4, (y * img.width + x) * 4 + 3));
          const counts: Record<string, number> = {};
          for (const [kind, [r, gr, b]] of colours) {
            let n = 0;
            for (let i = 0; i < px.length; i += 4) if (Math.abs(px[i]! - r) + Math.abs(px[i + 1]! - gr) + Math.abs(px[i + 2]! - b) <= 12) n++;
            counts[kind] = n;
          }
          return { size: [img.width, img.height], probes: probes.map(([x, y]) => at(x!, y!)), counts };
        },
        { data: png.toString('base64'), probes, colours },
      );
      expect(result.size).toEqual([width, height]);
      // Every kind's colour is on the screen: spans, flows (arrows) and the counter line.
      for (const kind of Object.keys(KIND_COLOURS)) expect(result.counts[kind], kind).toBeGreaterThan(40);
      // Each span is drawn in its kind's colour where the layout put it: at least two of its three
      // points (a flow arrow may cross one).
      const close = (p: number[], hex: string): boolean => p.every((v, i) => Math.abs(v - rgb(hex)[i]!) <= 12);
      const drawn = (b: Box): boolean => {
        const i = boxes.indexOf(b) * 3;
        return [0, 1, 2].filter((k) => close(result.probes[i + k]!, KIND_COLOURS[b.kind]!)).length >= 2;
      };
      expect(boxes.filter((b) => !drawn(b)).map((b) => `${b.kind} ${b.name}`)).toEqual([]);
      expect(new Set(boxes.map((b) => b.kind))).toEqual(new Set(['thread', 'task', 'submit', 'wait', 'await']));
      // Rows: one lifetime bar per thread, in the thread order, one below the other.
      const lifetimes = boxes.filter((b) => b.kind === 'thread');
      expect(lifetimes.map((b) => b.name)).toEqual(['MainThread', 'pool_0', 'pool_1']);
      expect(lifetimes[0]!.y).toBeLessThan(lifetimes[1]!.y);
      expect(lifetimes[1]!.y).toBeLessThan(lifetimes[2]!.y);
      // The wait inside pool_1's task sits below the task, inside pool_1's row.
      const task = boxes.find((b) => b.kind === 'task' && b.y > lifetimes[2]!.y)!;
      const wait = boxes.find((b) => b.kind === 'wait' && b.y > lifetimes[2]!.y)!;
      expect(wait.y).toBeGreaterThan(task.y);
      expect(wait.x).toBeGreaterThan(task.x);
      // Main's async wait, in main's row, below the sync wait it overlaps.
      const awaited = boxes.find((b) => b.kind === 'await')!;
      const mainWait = boxes.find((b) => b.kind === 'wait' && b.y < lifetimes[1]!.y)!;
      expect(awaited.name.startsWith('Queue.get ')).toBe(true);
      expect(awaited.y).toBeGreaterThan(mainWait.y);
      expect(awaited.y).toBeLessThan(lifetimes[1]!.y);
    } finally {
      await browser.close();
    }
  });
});
