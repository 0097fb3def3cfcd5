/**
 * results/latest.svg: a hand-written bar chart of the ratios — for each figure and backend, one
 * bar per anchor (threadkit's advantage over it, log scale, bars grow from 1×), the CPU-scaling
 * speed-ups, and a tick where the issue's goal lies.
 */
import { fmtRatio } from './figures.mjs';

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Bar colours: a goal met / missed, or context (no goal on this comparison). */
const COLORS = { met: '#2a9d8f', missed: '#e76f51', context: '#a8b3c4' };
const status = (value, goal) => (goal === undefined ? 'context' : value >= goal ? 'met' : 'missed');

/** The bars: `{ group, label, value, goal?, kind }`. */
function bars(results, env) {
  const out = [];
  const multi = env.backends.length > 1;
  for (const r of results) {
    for (const b of env.backends) {
      const key = `tk:${b.name}`;
      const suffix = multi ? ` (${b.name})` : '';
      if (r.figure.kind === 'factor') {
        for (const row of r.rows) {
          if (row.median === undefined || (row.role === 'tk' && row.key !== key)) continue;
          const goal = row.key === key ? r.figure.goals.find((g) => g.self)?.self : undefined;
          out.push({ group: r.figure.title + suffix, label: `${row.label}: 1 → 2 threads`, value: row.median, goal, kind: status(row.median, goal) });
        }
        continue;
      }
      const tk = r.rows.find((row) => row.key === key);
      for (const g of r.figure.goals) {
        if (g.budget !== undefined && tk?.median > 0) {
          const ratio = g.budget / tk.median;
          out.push({ group: r.figure.title + suffix, label: `vs the goal’s budget (${g.text})`, value: ratio, goal: 1, kind: status(ratio, 1) });
        }
      }
      for (const row of r.rows) {
        const ratio = r.ratios[key]?.[row.key];
        if (ratio === undefined) continue;
        const goal = r.figure.goals.find((g) => g.vs === row.role)?.min;
        out.push({ group: r.figure.title + suffix, label: `vs ${row.label}`, value: ratio, goal, kind: status(ratio, goal) });
      }
    }
  }
  return out;
}

export function renderSvg(results, env) {
  const list = bars(results, env);
  const W = 960;
  const labelW = 400;
  const x0 = labelW + 10;
  const x1 = W - 70;
  const rowH = 20;
  const groupGap = 22;
  const top = 92;
  const values = list.map((b) => b.value).concat(list.map((b) => b.goal ?? 1), [1]);
  const lo = 10 ** Math.floor(Math.log10(Math.max(1e-4, Math.min(...values))));
  const hi = 10 ** Math.ceil(Math.log10(Math.min(1e5, Math.max(...values) * 1.01)));
  const x = (v) => x0 + ((Math.log10(Math.min(hi, Math.max(lo, v))) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (x1 - x0);

  const body = [];
  let y = top;
  let group;
  for (const b of list) {
    if (b.group !== group) {
      group = b.group;
      y += group === list[0].group ? 0 : 6;
      body.push(`<text x="8" y="${y + 14}" class="group">${esc(group)}</text>`);
      y += groupGap;
    }
    const xa = x(1);
    const xb = x(b.value);
    const left = Math.min(xa, xb);
    const width = Math.max(1.5, Math.abs(xb - xa));
    body.push(`<text x="20" y="${y + 14}" class="label">${esc(b.label)}</text>`);
    body.push(`<rect x="${left.toFixed(1)}" y="${y + 3}" width="${width.toFixed(1)}" height="${rowH - 6}" fill="${COLORS[b.kind]}"><title>${esc(`${b.group} ${b.label}: ${fmtRatio(b.value)}`)}</title></rect>`);
    const gx = b.goal === undefined ? undefined : x(b.goal);
    const tx = b.value >= 1 ? Math.max(xb, gx ?? xb) + 4 : Math.max(Math.min(xb, gx ?? xb) - 4, x0 + 2);
    body.push(`<text x="${tx.toFixed(1)}" y="${y + 14}" class="value" text-anchor="${b.value >= 1 ? 'start' : 'end'}">${esc(fmtRatio(b.value))}</text>`);
    if (gx !== undefined) {
      body.push(`<line x1="${gx.toFixed(1)}" x2="${gx.toFixed(1)}" y1="${y}" y2="${y + rowH}" class="goal"><title>goal ${esc(fmtRatio(b.goal))}</title></line>`);
    }
    y += rowH;
  }
  const height = y + 40;

  const grid = [];
  for (let v = lo; v <= hi * 1.0001; v *= 10) {
    const gx = x(v).toFixed(1);
    grid.push(`<line x1="${gx}" x2="${gx}" y1="${top - 8}" y2="${y}" class="${Math.abs(v - 1) < 1e-9 ? 'one' : 'grid'}"/>`);
    grid.push(`<text x="${gx}" y="${top - 12}" class="axis" text-anchor="middle">${Number(v.toPrecision(1))}×</text>`);
  }

  const title = `threadkit vs CPython ${env.python?.version ?? '(none)'}, raw Atomics, piscina, tinypool`;
  const sub = `${env.mode.split(' ')[0]} run, Node ${env.machineAtStart.node}, ${env.machineAtStart.cores} cores, load average ${env.machineAtStart.load} at start`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif">
<style>
  .title { font-size: 14px; font-weight: 600; fill: #222; }
  .sub { font-size: 11px; fill: #555; }
  .group { font-size: 12px; font-weight: 600; fill: #222; }
  .label { font-size: 11px; fill: #333; }
  .value { font-size: 10px; fill: #222; }
  .axis { font-size: 10px; fill: #555; }
  .grid { stroke: #ddd; stroke-width: 1; }
  .one { stroke: #333; stroke-width: 1.2; }
  .goal { stroke: #000; stroke-width: 2; stroke-dasharray: 3 2; }
</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="8" y="20" class="title">${esc(title)}</text>
<text x="8" y="34" class="sub">${esc(sub)}. Bars: threadkit's advantage over each contender (its time or bytes ÷ threadkit's;</text>
<text x="8" y="48" class="sub">right of 1× = threadkit wins), log scale; CPU scaling: each one's own 1 → 2 thread speed-up. Dashed tick: the goal;</text>
<text x="8" y="62" class="sub">colour: <tspan fill="${COLORS.met}">■ goal met</tspan>  <tspan fill="${COLORS.missed}">■ goal missed</tspan>  <tspan fill="${COLORS.context}">■ no goal on this comparison (context)</tspan></text>
${grid.join('\n')}
${body.join('\n')}
<text x="8" y="${height - 12}" class="sub">Generated by bench/src/run.mjs; the table with medians and spreads is in the .md beside this file.</text>
</svg>
`;
}
