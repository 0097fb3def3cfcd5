/**
 * Renders a trace written by `stopTrace` (Chrome Trace Event JSON) as an SVG timeline: one row
 * per thread (named by its `thread_name` metadata), its spans coloured by kind — the thread's
 * lifetime, executor tasks, `submit` calls, waits — nested spans stacked, flow arrows from a
 * `submit` to its task, one row per counter (a step line), a legend and a time axis in ms. An
 * `…Async` wait (an async span: a 'b' and an 'e' event with one id) is drawn as a span of its
 * thread's row, in its own colour: the thread was free meanwhile.
 * Pure: no file system, no DOM; the `threadkit-trace` command writes what it returns.
 */

/** The fields of a trace event the renderer reads. */
export interface RenderEvent {
  readonly name: string;
  readonly ph: string;
  readonly ts: number;
  readonly tid: number;
  readonly pid?: number;
  readonly cat?: string;
  readonly dur?: number;
  readonly id?: number | string;
  readonly bp?: string;
  readonly args?: Readonly<Record<string, unknown>>;
}

/** Options of {@link renderTraceSvg}. */
export interface RenderOptions {
  /** Width of the picture in px (default 1200). */
  readonly width?: number;
  /** Title above the timeline (default `threadkit trace`). */
  readonly title?: string;
}

/** The colour of each kind of span (and of flows and counters), as the legend shows them. */
export const KIND_COLOURS: Readonly<Record<string, string>> = {
  thread: '#c8c8c8',
  task: '#2f6fd0',
  submit: '#f08c00',
  wait: '#d62828',
  await: '#f4a6a6',
  flow: '#2a9d3a',
  counter: '#8e44ad',
};

const LEGEND: readonly [kind: string, label: string][] = [
  ['thread', 'thread alive'],
  ['task', 'executor task'],
  ['submit', 'submit'],
  ['wait', 'blocked (lock, condition, queue, join, future…)'],
  ['await', 'awaited (…Async: the thread stays free)'],
  ['flow', 'submit → task start'],
  ['counter', 'counter (queue size, pool size)'],
];

const LABEL_WIDTH = 190;
const RIGHT_MARGIN = 20;
const TOP = 64;
const LANE = 16;
const ROW_GAP = 8;
const COUNTER_ROW = 34;
const AXIS = 34;

function escape(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

interface Row {
  readonly tid: number;
  readonly name: string;
  readonly spans: { readonly event: RenderEvent; readonly lane: number }[];
  readonly lanes: number;
  y: number;
}

/** Lays out a thread's spans in lanes: the lifetime on top, each other span in the first lane free at its start (so a wait inside a task goes below it). */
function laneSpans(spans: RenderEvent[]): { spans: Row['spans']; lanes: number } {
  const sorted = [...spans].sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const open: number[] = []; // end time per lane
  const placed: { event: RenderEvent; lane: number }[] = [];
  let lanes = 1;
  for (const event of sorted) {
    const end = event.ts + (event.dur ?? 0);
    let lane = event.cat === 'thread' ? 0 : 1;
    while (lane < open.length && open[lane]! > event.ts) lane++;
    open[lane] = end;
    lanes = Math.max(lanes, lane + 1);
    placed.push({ event, lane });
  }
  return { spans: placed, lanes };
}

/** The async spans ('b' … 'e' with one id, on one thread) as complete spans, for the rows. */
function asyncSpans(events: readonly RenderEvent[]): RenderEvent[] {
  const begun = new Map<string, RenderEvent>();
  const spans: RenderEvent[] = [];
  for (const e of events) {
    const key = `${e.tid} ${String(e.id)}`;
    if (e.ph === 'b') begun.set(key, e);
    if (e.ph !== 'e') continue;
    const begin = begun.get(key);
    if (begin === undefined) continue;
    begun.delete(key);
    spans.push({ ...begin, ph: 'X', dur: Math.max(0, e.ts - begin.ts) });
  }
  return spans;
}

/** A tick step of 1, 2 or 5 × 10^k µs giving about `count` ticks over `span` µs. */
function tickStep(span: number, count: number): number {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/** The trace as an SVG document (a string). Accepts `stopTrace`'s data or its `traceEvents`. */
export function renderTraceSvg(trace: { traceEvents: readonly RenderEvent[] } | readonly RenderEvent[], options: RenderOptions = {}): string {
  const events = Array.isArray(trace) ? (trace as readonly RenderEvent[]) : (trace as { traceEvents: readonly RenderEvent[] }).traceEvents;
  const width = options.width ?? 1200;
  const title = options.title ?? 'threadkit trace';
  const names = new Map<number, string>();
  const order = new Map<number, number>();
  for (const e of events) {
    if (e.ph !== 'M') continue;
    if (e.name === 'thread_name') names.set(e.tid, String(e.args?.name ?? e.tid));
    if (e.name === 'thread_sort_index') order.set(e.tid, Number(e.args?.sort_index ?? e.tid));
  }
  const timed = events.filter((e) => e.ph !== 'M');
  const start = Math.min(...timed.map((e) => e.ts));
  const end = Math.max(...timed.map((e) => e.ts + (e.dur ?? 0)));
  const span = timed.length === 0 ? 1 : Math.max(end - start, 1);
  const plotWidth = width - LABEL_WIDTH - RIGHT_MARGIN;
  const x = (ts: number): number => LABEL_WIDTH + ((ts - start) / span) * plotWidth;

  const spansOf = [...timed.filter((e) => e.ph === 'X'), ...asyncSpans(timed)];
  const tids = [...new Set(timed.filter((e) => e.ph === 'X' || e.ph === 's' || e.ph === 'f' || e.ph === 'b').map((e) => e.tid))];
  tids.sort((a, b) => (order.get(a) ?? a) - (order.get(b) ?? b));
  const rows: Row[] = tids.map((tid) => {
    const { spans, lanes } = laneSpans(spansOf.filter((e) => e.tid === tid));
    return { tid, name: names.get(tid) ?? `thread ${tid}`, spans, lanes, y: 0 };
  });
  let y = TOP;
  for (const row of rows) {
    row.y = y;
    y += row.lanes * LANE + ROW_GAP;
  }
  const counters = new Map<string, RenderEvent[]>();
  for (const e of timed) {
    if (e.ph !== 'C') continue;
    const list = counters.get(e.name) ?? [];
    list.push(e);
    counters.set(e.name, list);
  }
  const counterTop = y + 4;
  const height = counterTop + counters.size * COUNTER_ROW + AXIS + 8;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="10" y="18" font-size="14" font-weight="bold">${escape(title)}</text>`);
  // Legend.
  let lx = 10;
  for (const [kind, label] of LEGEND) {
    out.push(`<rect class="legend" data-kind="${kind}" x="${lx}" y="30" width="14" height="12" fill="${KIND_COLOURS[kind]}"/>`);
    out.push(`<text x="${lx + 18}" y="40">${escape(label)}</text>`);
    lx += 26 + label.length * 6.2;
  }
  // Rows.
  rows.forEach((row, index) => {
    const rowHeight = row.lanes * LANE;
    out.push(`<rect x="0" y="${row.y - 2}" width="${width}" height="${rowHeight + 4}" fill="${index % 2 === 0 ? '#f7f7f7' : '#ffffff'}"/>`);
    out.push(`<text x="10" y="${row.y + 12}">${escape(row.name)} (${row.tid})</text>`);
    for (const { event, lane } of row.spans) {
      const kind = KIND_COLOURS[event.cat ?? ''] === undefined ? 'task' : event.cat!;
      const left = x(event.ts);
      const w = Math.max(1, x(event.ts + (event.dur ?? 0)) - left);
      const top = row.y + lane * LANE;
      const tip = `${event.name} — ${fmt((event.dur ?? 0) / 1000)} ms`;
      out.push(`<rect class="span" data-kind="${kind}" x="${left.toFixed(2)}" y="${top}" width="${w.toFixed(2)}" height="${LANE - 3}" fill="${KIND_COLOURS[kind]}"><title>${escape(tip)}</title></rect>`);
      if (w > 40) {
        const chars = Math.floor((w - 6) / 6);
        const text = event.name.length > chars ? `${event.name.slice(0, Math.max(1, chars - 1))}…` : event.name;
        out.push(`<text x="${(left + 3).toFixed(2)}" y="${top + 10}" fill="${kind === 'thread' || kind === 'await' ? '#333333' : '#ffffff'}" font-size="10">${escape(text)}</text>`);
      }
    }
  });
  // Flow arrows: from a submit (s) to its task's start (f), matched by id.
  const rowOf = new Map(rows.map((row) => [row.tid, row] as const));
  const starts = new Map<string, RenderEvent>();
  for (const e of timed) if (e.ph === 's') starts.set(String(e.id), e);
  out.push(`<defs><marker id="arrow" markerWidth="6" markerHeight="6" refX="5" refY="3" orient="auto"><path d="M0,0 L6,3 L0,6 z" fill="${KIND_COLOURS.flow}"/></marker></defs>`);
  for (const e of timed) {
    if (e.ph !== 'f') continue;
    const from = starts.get(String(e.id));
    const a = from === undefined ? undefined : rowOf.get(from.tid);
    const b = rowOf.get(e.tid);
    if (from === undefined || a === undefined || b === undefined) continue;
    out.push(
      `<line class="flow" x1="${x(from.ts).toFixed(2)}" y1="${a.y + LANE + 6}" x2="${x(e.ts).toFixed(2)}" y2="${b.y + LANE + 2}" stroke="${KIND_COLOURS.flow}" stroke-width="1.5" marker-end="url(#arrow)"/>`,
    );
  }
  // Counters: a step line per counter, scaled to its largest value.
  let cy = counterTop;
  for (const [name, list] of counters) {
    list.sort((p, q) => p.ts - q.ts);
    const values = list.map((e) => Number(Object.values(e.args ?? {})[0] ?? 0));
    const max = Math.max(1, ...values);
    const base = cy + COUNTER_ROW - 8;
    const scale = (COUNTER_ROW - 12) / max;
    let d = `M${LABEL_WIDTH},${base}`;
    values.forEach((v, i) => {
      const px = x(list[i]!.ts).toFixed(2);
      d += ` H${px} V${(base - v * scale).toFixed(2)}`;
    });
    d += ` H${LABEL_WIDTH + plotWidth}`;
    out.push(`<text x="10" y="${cy + 16}">${escape(name)} (max ${fmt(max)})</text>`);
    out.push(`<path class="counter" d="${d}" fill="none" stroke="${KIND_COLOURS.counter}" stroke-width="2"/>`);
    cy += COUNTER_ROW;
  }
  // Time axis, in ms from the trace's first event.
  const axisY = height - AXIS + 4;
  out.push(`<line x1="${LABEL_WIDTH}" y1="${axisY}" x2="${LABEL_WIDTH + plotWidth}" y2="${axisY}" stroke="#333333"/>`);
  const step = tickStep(span, 8);
  for (let t = 0; t <= span + 1e-9; t += step) {
    const px = x(start + t).toFixed(2);
    out.push(`<line x1="${px}" y1="${axisY}" x2="${px}" y2="${axisY + 5}" stroke="#333333"/>`);
    out.push(`<text x="${px}" y="${axisY + 17}" text-anchor="middle">${fmt(t / 1000)} ms</text>`);
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
