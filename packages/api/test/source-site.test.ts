/**
 * Where a self-contained function was written (src/threading/source-site.ts): found verbatim, with
 * blanked types (Node's type stripping), or line by line when a compiler reprinted it; and the
 * body that lays it out at that place compiles to a function whose frames name the file's lines.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { laidOutBody, locateSource } from '../src/threading/source-site';

const dir = mkdtempSync(join(tmpdir(), 'threadkit-source-site-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const APP = [
  "import { ThreadPoolExecutor } from 'threadkit';", // 1
  '', // 2
  'const ex = new ThreadPoolExecutor(1);', // 3
  '// a comment', // 4
  'const f = ex.submit(function work(n: number) {', // 5
  '  const twice: number = n * 2;', // 6
  '', // 7
  "  throw new Error('failed ' + twice); // here", // 8
  '}, 4);', // 9
].join('\n');

describe('locateSource', () => {
  it('finds plain JavaScript verbatim: each line at its own line and column', () => {
    const path = file('plain.mjs', 'const a = 1;\n\n\nex.submit(function work(n) {\n  return n * 2;\n});\n');
    const site = locateSource('function work(n) {\n  return n * 2;\n}', [{ file: path, line: 4 }]);
    expect(site).toEqual({ file: path, layout: [[4, 10], [5, 2], [6, 0]] });
  });

  it('finds type-stripped text (types blanked to spaces) at the same place', () => {
    const path = file('app.ts', APP);
    const stripped = 'function work(n        ) {\n  const twice         = n * 2;\n\n  throw new Error(\'failed \' + twice); // here\n}';
    const site = locateSource(stripped, [{ file: path, line: 5 }]);
    expect(site?.layout).toEqual([[5, 20], [6, 2], [7, 0], [8, 2], [9, 0]]);
  });

  it('aligns reprinted text line by line (quotes, indentation, blank lines, comments and types differ)', () => {
    const path = file('app2.ts', APP);
    const reprinted = 'function work(n) {\n\t\tconst twice = n * 2;\n\t\tthrow new Error("failed " + twice);\n\t}';
    const site = locateSource(reprinted, [{ file: path, line: 5 }]);
    expect(site?.layout.map(([line]) => line)).toEqual([5, 6, 8, 9]);
    // The matched lines start at the file's indentation.
    expect(site?.layout[2]).toEqual([8, 2]);
  });

  it('finds nothing in a file without the function, or a file that cannot be read', () => {
    const path = file('other.mjs', 'export const x = 1;\n');
    expect(locateSource('function work(n) {\n  return n * 2;\n}', [{ file: path, line: 1 }])).toBeUndefined();
    expect(locateSource('() => 1', [{ file: join(dir, 'missing.mjs'), line: 1 }])).toBeUndefined();
    expect(locateSource('() => 1', [{ file: undefined, line: 0 }])).toBeUndefined();
  });
});

describe('laidOutBody', () => {
  it("compiles to the function, its frames at the file's lines and columns", () => {
    const path = file('frames.mjs', APP);
    const reprinted = 'function work(n) {\n\t\tconst twice = n * 2;\n\t\tthrow new Error("failed " + twice);\n\t}';
    const site = locateSource(reprinted, [{ file: path, line: 5 }])!;
    const body = laidOutBody(reprinted, '"use strict"; return (', ');', site)!;
    const fn = new Function(body)() as (n: number) => void;
    let stack = '';
    try {
      fn(2);
    } catch (error) {
      stack = (error as Error).stack ?? '';
    }
    expect(stack).toContain('failed 4');
    expect(stack).toContain(`at work (${path}:8:9)`);
  });

  it('refuses a layout that would not fit under the wrapper lines', () => {
    expect(laidOutBody('() => 1', '(', ')', { file: 'x.mjs', layout: [[2, 0]] })).toBeUndefined();
  });
});
