/**
 * Post-build step: removes the comments esbuild keeps (the JSDoc of class members) from the
 * JS files in dist/. Every thread evaluates the api bundle and V8 keeps its source text, so
 * comments cost memory in each thread; the .d.ts files keep the docs. Comments are found with
 * acorn's tokenizer (never by pattern), so strings, templates and regexes are left alone.
 * Fails if a file still holds non-ASCII text afterwards: one such character makes V8 store the
 * whole source with two bytes per character.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'acorn';

const dist = new URL('../dist/', import.meta.url);
for (const name of readdirSync(dist).filter((n) => /\.(c?js)$/.test(n))) {
  const file = new URL(name, dist);
  const source = readFileSync(file, 'utf8');
  const comments = [];
  parse(source, {
    ecmaVersion: 'latest',
    sourceType: name.endsWith('.cjs') ? 'script' : 'module',
    allowHashBang: true,
    onComment: (block, text, start, end) => comments.push([start, end]),
  });
  // A comment becomes a space, or a line break if it spanned lines (a line break decides where
  // automatic semicolon insertion applies, so it must stay).
  let out = '';
  let at = 0;
  for (const [start, end] of comments) {
    out += source.slice(at, start) + (source.slice(start, end).includes('\n') ? '\n' : ' ');
    at = end;
  }
  out += source.slice(at);
  if (/[^\x00-\x7f]/.test(out)) throw new Error(`strip-comments: ${name} still has non-ASCII text (set esbuild's charset to ascii)`);
  writeFileSync(file, out);
}
