/**
 * Where a self-contained function was written. A target travels to its thread as source text
 * and is compiled there again, so V8 would name its frames `eval at compile (…), <anonymous>`.
 * Instead the starting thread looks for the function's text in the files of the user frames
 * that called `start`/`submit`, and the thread compiles it laid out at the same lines and
 * columns, under the file's name (`//# sourceURL=`): its frames name the user's file, line and
 * column, in every stack V8 prints, without rewriting any.
 *
 * The text is found verbatim (plain JavaScript), verbatim but for blanked types (Node's type
 * stripping), or, when a compiler reprinted it (vitest, tsx, a bundler with source maps), line
 * by line: each line of the compiled function goes to the line of the file it matches.
 */

/** Per line of the function's text: [1-based line in the file, 0-based column of its first character]. */
export type Layout = readonly (readonly [line: number, column: number])[];

/** A function's place: the file as the user's stack names it, and its layout there. */
export interface SourceSite {
  /** Path or URL, as the call site's stack printed it. */
  readonly file: string;
  /** Where each line of the function's text goes. */
  readonly layout: Layout;
}

type Fs = { readFileSync: (path: string, encoding: 'utf8') => string };
type Url = { fileURLToPath: (url: string) => string };

const FILE_CACHE_LIMIT = 16;
const files = new Map<string, string[] | null>();

function builtin<T>(name: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return undefined;
  try {
    return proc.getBuiltinModule(name) as T | undefined;
  } catch {
    return undefined;
  }
}

/** The lines of a local file named by a stack frame (path or file: URL), cached; null when unreadable. */
function fileLines(file: string): string[] | null {
  let lines = files.get(file);
  if (lines !== undefined) return lines;
  lines = null;
  const fs = builtin<Fs>('node:fs');
  if (fs !== undefined && (file.startsWith('/') || file.startsWith('file:') || /^[A-Za-z]:\\/.test(file))) {
    try {
      const path = file.startsWith('file:') ? builtin<Url>('node:url')!.fileURLToPath(file) : file;
      lines = fs.readFileSync(path, 'utf8').split(/\r?\n/);
    } catch {
      lines = null;
    }
  }
  if (files.size >= FILE_CACHE_LIMIT) files.clear();
  files.set(file, lines);
  return lines;
}

function indent(line: string): number {
  return line.length - line.trimStart().length;
}

/**
 * A simple type annotation (`: number`, `: Lock | null`, `: string[]`, `: Map<K, V>`) before `=`,
 * `,`, `)`, `{` or `;`: what a TypeScript compiler drops. (An object literal's or a ternary's
 * `: value` goes too, on both sides alike, so matching stays consistent.)
 */
const TYPE_ANNOTATION = /:\s*[A-Za-z_$][\w$.]*(?:<[^<>]*>)?(?:\[\])*(?:\s*\|\s*[A-Za-z_$][\w$.]*(?:<[^<>]*>)?(?:\[\])*)*(?=\s*[=,){;])/g;

/**
 * A line as compilers reprint it alike: without a trailing `//` comment (some drop them),
 * simple type annotations, whitespace, or trailing separators, its quotes made one kind.
 */
function normal(line: string): string {
  return line
    .replace(/(^|[\s;,{}()])\/\/.*$/, '$1')
    .replace(TYPE_ANNOTATION, '')
    .replace(/\s+/g, '')
    .replace(/['"`]/g, '"')
    .replace(/[;,]+$/, '');
}

/** The column in `line` where its `count`-th non-blank character is. */
function columnOfSignificant(line: string, count: number): number {
  let seen = 0;
  for (let i = 0; i < line.length; i++) {
    if (/\s/.test(line[i]!)) continue;
    if (seen === count) return i;
    seen += 1;
  }
  return line.length;
}

/**
 * The text verbatim at `start` (line, column) of `lines`, where a blank in `text` may stand for
 * any character but a line break (a type that was stripped to spaces).
 */
function matchesAt(text: string[], lines: string[], line: number, column: number): boolean {
  for (let i = 0; i < text.length; i++) {
    const have = lines[line + i];
    if (have === undefined) return false;
    const want = text[i]!;
    const from = i === 0 ? column : 0;
    if (have.length - from < want.length || (i < text.length - 1 && have.length - from !== want.length)) return false;
    for (let k = 0; k < want.length; k++) {
      const c = want.charCodeAt(k);
      if (c !== have.charCodeAt(from + k) && c !== 32) return false;
    }
  }
  return true;
}

/** Verbatim (or type-stripped) occurrences: the layout of the one nearest `hint`. */
function verbatim(text: string[], lines: string[], hint: number): Layout | undefined {
  const head = text[0]!.slice(0, Math.max(1, text[0]!.search(/\s|$/)));
  let best: [number, number] | undefined;
  for (let line = 0; line < lines.length; line++) {
    for (let column = lines[line]!.indexOf(head); column !== -1; column = lines[line]!.indexOf(head, column + 1)) {
      if (!matchesAt(text, lines, line, column)) continue;
      if (best === undefined || Math.abs(line - hint) < Math.abs(best[0] - hint)) best = [line, column];
    }
  }
  if (best === undefined) return undefined;
  const [line, column] = best;
  return text.map((t, i) => [line + i + 1, i === 0 ? column : indent(t)] as const);
}

/** The most cells the alignment table may have (a window of the file around the call site beyond). */
const ALIGN_CELLS = 2_000_000;

/**
 * Line-by-line alignment of reprinted text (a local alignment: the run of file lines that
 * matches the most of the function's lines, blank and comment lines skipped for free): the
 * layout, or undefined when too little matches to trust.
 */
function aligned(text: string[], allLines: string[], hint: number): Layout | undefined {
  const n = text.length;
  // A window of the file around the hint, so that the table stays small in a huge file.
  const span = Math.max(200, Math.floor(ALIGN_CELLS / (n + 1)));
  const from = Math.max(0, Math.min(hint - (span >> 1), allLines.length - span));
  const lines = allLines.slice(from, from + span);
  hint -= from;
  const m = lines.length;
  const want = text.map(normal);
  const have = lines.map(normal);
  const weight = (s: string): number => (s === '' ? 0 : 1 + Math.min(s.length, 40) / 8);
  // The first line (the function's head) may be preceded on its line by the call around it,
  // and the last (its closing brace) followed by the rest of that call.
  const same = (i: number, j: number): boolean => {
    const w = want[i]!;
    if (w === '') return false;
    if (w === have[j]) return true;
    return (i === 0 && have[j]!.endsWith(w)) || (i === n - 1 && i > 0 && have[j]!.startsWith(w));
  };
  const score = new Float64Array((n + 1) * (m + 1));
  const at = (i: number, j: number): number => i * (m + 1) + j;
  let best = 0;
  let bestAt = -1;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const matched = same(i - 1, j - 1);
      const skipFile = have[j - 1] === '' || have[j - 1]!.startsWith('//') ? 0 : 0.6;
      let s = Math.max(0, score[at(i, j - 1)]! - skipFile, score[at(i - 1, j)]! - (want[i - 1] === '' ? 0 : 1));
      if (matched) s = Math.max(s, score[at(i - 1, j - 1)]! + weight(want[i - 1]!));
      score[at(i, j)] = s;
      const better = s > best || (s === best && bestAt !== -1 && Math.abs(j - hint) < Math.abs((bestAt % (m + 1)) - hint));
      if (i === n && better) {
        best = s;
        bestAt = at(i, j);
      }
    }
  }
  // Enough of the function matched to trust (a head with types, a reprinted line may not).
  const needed = want.reduce((sum, s) => sum + weight(s), 0) * 0.4;
  if (bestAt === -1 || best < needed) return undefined;
  // Walk back the alignment: the file line of each matched line of the function.
  const target = new Array<number>(n).fill(-1);
  let i = n;
  let j = bestAt % (m + 1);
  while (i > 0 && j > 0 && score[at(i, j)]! > 0) {
    const s = score[at(i, j)]!;
    if (same(i - 1, j - 1) && s === score[at(i - 1, j - 1)]! + weight(want[i - 1]!)) {
      target[i - 1] = j - 1;
      i -= 1;
      j -= 1;
    } else if (s === score[at(i - 1, j)]! - (want[i - 1] === '' ? 0 : 1)) {
      i -= 1;
    } else {
      j -= 1;
    }
  }
  const layout = layoutFrom(text, lines, target);
  return layout?.map(([line, column]) => [line + from, column] as const);
}

/** Fills the lines the alignment left unplaced after the placed ones, keeping every line below the last. */
function layoutFrom(text: string[], lines: string[], target: number[]): Layout | undefined {
  const firstPlaced = target.findIndex((t) => t !== -1);
  if (firstPlaced === -1) return undefined;
  const layout: [number, number][] = [];
  let previous = target[firstPlaced]! - firstPlaced - 1;
  for (let i = 0; i < text.length; i++) {
    const placed = target[i]!;
    const line = placed > previous ? placed : previous + 1;
    let column = indent(text[i]!);
    if (placed === line) {
      const file = lines[placed]!;
      // The head may sit after other code on its line: find where its text starts.
      column = i === 0 ? columnOfSignificant(file, normal(file).length - normal(text[0]!).length) : indent(file);
    }
    layout.push([line + 1, column]);
    previous = line;
  }
  return layout;
}

/** Text a layout may not re-indent or split: a template literal or a string continued on the next line. */
function hasMultilineToken(source: string): boolean {
  return /\\\r?\n/.test(source) || source.split('\n').some((line) => (line.match(/`/g)?.length ?? 0) % 2 === 1);
}

/**
 * The site of the function whose text is `source`, looked for in the files of `frames` (nearest
 * their lines first); undefined where the files cannot be read (browsers) or none holds it.
 */
export function locateSource(source: string, frames: readonly { file: string | undefined; line: number }[]): SourceSite | undefined {
  const text = source.split(/\r?\n/);
  const tried = new Set<string>();
  for (const frame of frames) {
    const file = frame.file;
    if (file === undefined || tried.has(file)) continue;
    tried.add(file);
    const lines = fileLines(file);
    if (lines === null) continue;
    const hint = frame.line - 1;
    const layout = verbatim(text, lines, hint) ?? (hasMultilineToken(source) ? undefined : aligned(text, lines, hint));
    if (layout !== undefined) return { file, layout };
  }
  return undefined;
}

/** The lines a compiled function's text is preceded by: it cannot be placed above this line. */
export const FIRST_PLACEABLE_LINE = 4;

/**
 * The body to give `new Function` so that the function's text lands at its layout: script
 * line 1–2 are the wrapper V8 adds, line 3 opens the expression (`open`: `"use strict";
 * return (`), each line of `source` follows at its line and column, then `close`. Undefined
 * when a layout does not fit.
 */
export function laidOutBody(source: string, open: string, close: string, site: SourceSite): string | undefined {
  const text = source.split(/\r?\n/);
  const layout = site.layout;
  if (layout.length !== text.length || layout[0]![0] < FIRST_PLACEABLE_LINE) return undefined;
  const verbatimLayout = layout.every(([line], i) => line === layout[0]![0] + i) && text.every((t, i) => i === 0 || indent(t) === layout[i]![1]);
  let body = open;
  let line = 3;
  for (let i = 0; i < text.length; i++) {
    const [target, column] = layout[i]!;
    if (target <= line) return undefined;
    body += '\n'.repeat(target - line);
    line = target;
    body += i > 0 && verbatimLayout ? text[i] : ' '.repeat(column) + text[i]!.trimStart();
  }
  return `${body}\n${close}\n//# sourceURL=${site.file}`;
}
