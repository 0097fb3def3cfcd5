/**
 * What a thread runs. JS functions cannot move between isolates, so a target travels as a
 * {@link TaskSpec}: the source of a self-contained function (or class), a reference to a module
 * export, or the name of a built-in api task. The receiving thread compiles or imports it once
 * and caches it. A self-contained function may use its arguments, JS globals and threadkit's
 * own exports (`Lock`, `currentThread`, `sleep`, …, which are in scope when it is compiled);
 * anything else it captured would be missing in the thread, so it is refused up front.
 */
import { COMPILER_HELPERS } from './compiler-helpers';
import { userFrames } from './call-site';
import { laidOutBody, locateSource, type SourceSite } from './source-site';

/** The type-only key of {@link TaskRef}'s function type (nothing at run time). */
declare const TASK_FUNCTION: unique symbol;

/**
 * A reference to an exported function (or Thread subclass) of a module, made by {@link task}.
 * `F` is the export's type when the caller names it (`task<typeof square>(…)`), so `submit` and
 * `new Thread` check the arguments against it and type the result; by default any arguments
 * are accepted and the result is `unknown`.
 */
export class TaskRef<F extends (...args: never[]) => unknown = (...args: any[]) => unknown> {
  /** The export's type, for the checker only (never set). */
  declare readonly [TASK_FUNCTION]?: F;
  /** @param url the module's URL (`import.meta.url`) or a specifier the thread can import. @param exportName the export's name. */
  constructor(
    readonly url: string,
    readonly exportName: string,
  ) {}
  /** Python-like repr. */
  toString(): string {
    return `<task ${this.exportName} from ${this.url}>`;
  }
}

/** Plain data naming a thread's code; crosses threads with the codec. */
export type TaskSpec =
  | { readonly kind: 'source'; readonly source: string; readonly name: string; readonly site?: SourceSite }
  | { readonly kind: 'module'; readonly url: string; readonly name: string }
  | { readonly kind: 'builtin'; readonly name: string };

/**
 * Names a module export as a thread target or executor task:
 * `new Thread({ target: task(import.meta.url, 'worker') })`. The thread imports the module, so
 * the function may use that module's imports and globals. Give the export's type to have its
 * arguments and result checked: `ex.submit(task<typeof square>(url, 'square'), 7)` is a
 * `Future<number>` (`import type { square } from './tasks.js'` is enough for `typeof`).
 */
export function task<F extends (...args: never[]) => unknown = (...args: any[]) => unknown>(url: string | URL, exportName: string): TaskRef<NoInfer<F>> {
  if (typeof exportName !== 'string' || exportName === '') throw new TypeError('task() needs an export name');
  return new TaskRef<F>(String(url), exportName);
}

let scope: Record<string, unknown> = { ...COMPILER_HELPERS };
let scopeNames: string[] = Object.keys(scope);

/** Sets the names in scope for self-contained sources (the api's exports); called once by the api's index. */
export function setTaskScope(namespace: Record<string, unknown>): void {
  scope = { ...namespace, ...COMPILER_HELPERS };
  scopeNames = Object.keys(scope).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n));
}

const builtins = new Map<string, (...args: never[]) => unknown>();

/** Registers an api-internal thread target under `name`; every thread registers the same ones at module load. */
export function registerBuiltinTask(name: string, fn: (...args: never[]) => unknown): void {
  builtins.set(name, fn);
}

/** The spec of a registered builtin task. */
export function builtinTask(name: string): TaskSpec {
  return { kind: 'builtin', name };
}

const ALWAYS_FREE = new Set(['arguments', 'this', 'undefined', 'globalThis', 'super', 'new.target']);
const specCache = new WeakMap<object, TaskSpec>();
/** Validated specs by source text: a closure re-created per call (same source) is parsed once. */
const sourceCache = new Map<string, TaskSpec>();
const SOURCE_CACHE_LIMIT = 1024;

function isSpec(value: unknown): value is TaskSpec {
  return typeof value === 'object' && value !== null && 'kind' in value && (value as TaskSpec).kind === 'builtin';
}

/** True when `expression` compiles as a JS expression (compiled, never run). */
function isExpression(expression: string): boolean {
  try {
    new Function(`"use strict"; return ${expression}\n;`);
    return true;
  } catch {
    return false;
  }
}

/** Turns a function's source into an expression that evaluates to it (method shorthand included). */
function toExpression(source: string, name: string): string {
  const plain = `(${source}\n)`;
  if (isExpression(plain)) return plain;
  const wrapped = `({${source}\n})[${JSON.stringify(name)}]`;
  if (isExpression(wrapped)) return wrapped;
  throw new TypeError(`${name || 'function'} cannot be sent to a thread: its source cannot be recompiled`);
}

type FreeNames = (expression: string) => string[];
const SOURCE_CHECK = Symbol.for('threadkit.sourceCheck');
let sourceCheckLoaded = false;

/**
 * The free-variable finder of `@threadkit/api/source-check` (acorn): registered by importing
 * that entry, or loaded here on first use with the runtime's synchronous `require`. Undefined
 * where neither happened (then targets are not checked and a captured variable surfaces as a
 * ReferenceError inside the thread).
 */
function sourceCheck(): FreeNames | undefined {
  const registry = globalThis as { [SOURCE_CHECK]?: FreeNames };
  if (registry[SOURCE_CHECK] === undefined && !sourceCheckLoaded) {
    sourceCheckLoaded = true;
    const proc = (globalThis as { process?: NodeBuiltins }).process;
    if (typeof proc?.getBuiltinModule === 'function') {
      const { createRequire } = proc.getBuiltinModule('node:module') as { createRequire: (from: string) => (id: string) => unknown };
      createRequire(import.meta.url)('@threadkit/api/source-check');
    }
  }
  return registry[SOURCE_CHECK];
}

/** Free identifiers of an expression that are neither JS globals here nor threadkit exports. */
function capturedNames(expression: string): string[] {
  const names = sourceCheck()?.(expression) ?? [];
  return names.filter((n: string) => !ALWAYS_FREE.has(n) && !(n in globalThis) && !(n in scope));
}

/**
 * Validates a thread target or executor task and turns it into a {@link TaskSpec}. `what` names
 * the role in error messages ("Thread target", "submit"). Throws TypeError for a non-function,
 * a native or bound function, or a function that uses variables from the scope it was defined in.
 */
export function toTaskSpec(fn: unknown, what: string): TaskSpec {
  if (fn instanceof TaskRef) return { kind: 'module', url: fn.url, name: fn.exportName };
  if (isSpec(fn)) return fn;
  if (typeof fn !== 'function') {
    throw new TypeError(`${what} must be a function or a task(url, name) reference, not ${fn === null ? 'null' : typeof fn}`);
  }
  const cached = specCache.get(fn);
  if (cached !== undefined) return cached;
  const name = fn.name || 'anonymous function';
  const source = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
    throw new TypeError(`${what} '${name}' is a native or bound function; it cannot be sent to a thread — pass a self-contained function or task(import.meta.url, '${fn.name}')`);
  }
  const known = sourceCache.get(source);
  if (known !== undefined && known.kind === 'source' && known.name === name) {
    specCache.set(fn, known);
    return known;
  }
  const expression = toExpression(source, fn.name);
  const captured = capturedNames(expression);
  if (captured.length > 0) {
    const list = captured.map((n) => `'${n}'`).join(', ');
    throw new TypeError(
      `${what} '${name}' is not self-contained: it uses ${list} from the scope where it was defined, which a thread cannot see. ` +
        `Pass ${captured.length > 1 ? 'them as arguments' : 'it as an argument'}, or export the function from a module and use task(import.meta.url, '${fn.name || 'name'}')`,
    );
  }
  // Where the function was written, looked for in the files of the calling user code (once per source).
  const site = locateSource(source, userFrames(new Error().stack));
  const spec: TaskSpec = site === undefined ? { kind: 'source', source: expression, name } : { kind: 'source', source: expression, name, site };
  specCache.set(fn, spec);
  if (sourceCache.size >= SOURCE_CACHE_LIMIT) sourceCache.clear();
  sourceCache.set(source, spec);
  return spec;
}

const compiled = new Map<string, unknown>();

/**
 * The body that compiles `spec`: its function laid out at its site (so that its frames name the
 * user's file, line and column), or, without a site, the bare expression.
 */
function bodyOf(spec: { source: string; name: string; site?: SourceSite }): string {
  const { source, site } = spec;
  // An anonymous arrow gets its name back (`target`, `fn`) as V8 infers it from a binding, so
  // that its frames read `at target (…)`, not `at eval (…)`.
  const bind = /^[A-Za-z_$][\w$]*$/.test(spec.name) && !(spec.name in scope) ? spec.name : undefined;
  const head = bind === undefined ? '"use strict"; return ' : `"use strict"; const ${bind} = `;
  const tail = bind === undefined ? '' : ` return ${bind};`;
  if (site !== undefined) {
    // toExpression made `(text\n)` or `({text\n})["name"]`.
    const method = source.startsWith('({');
    const end = method ? source.lastIndexOf('\n})[') : source.length - 2;
    const text = source.slice(method ? 2 : 1, end);
    const body = laidOutBody(text, head + (method ? '({' : '('), (method ? source.slice(end + 1) : ')') + `;${tail}`, site);
    if (body !== undefined) return body;
  }
  return `${head}${source};${tail}`;
}

function compile(spec: { source: string; name: string; site?: SourceSite }): unknown {
  const key = spec.site === undefined ? spec.source : `${spec.site.file}\n${spec.source}`;
  let fn = compiled.get(key);
  if (fn === undefined) {
    const args = scopeNames.map((n) => scope[n]);
    try {
      fn = new Function(...scopeNames, bodyOf(spec))(...args);
    } catch (error) {
      // A layout or name that does not compile (a reserved word): the bare expression still does.
      if (!(error instanceof SyntaxError)) throw error;
      fn = new Function(...scopeNames, `"use strict"; return ${spec.source};`)(...args);
    }
    compiled.set(key, fn);
  }
  return fn;
}

function moduleKey(spec: { url: string; name: string }): string {
  return `${spec.url}#${spec.name}`;
}

function exportOf(spec: { url: string; name: string }, mod: Record<string, unknown>): unknown {
  if (!(spec.name in mod)) throw new TypeError(`module ${spec.url} has no export named '${spec.name}'`);
  return mod[spec.name];
}

type NodeBuiltins = {
  getBuiltinModule?: (name: string) => unknown;
  cwd?: () => string;
};

/**
 * Loads a module synchronously where the runtime can (Node ≥ 20.19 / 22.12, whose `require`
 * loads ES modules without top-level await, sharing the instance `import()` would give);
 * undefined elsewhere (browsers).
 */
function requireModule(url: string): Record<string, unknown> | undefined {
  const proc = (globalThis as { process?: NodeBuiltins }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return undefined;
  const { createRequire } = proc.getBuiltinModule('node:module') as { createRequire: (from: string) => (id: string) => unknown };
  const { fileURLToPath, pathToFileURL } = proc.getBuiltinModule('node:url') as {
    fileURLToPath: (url: string) => string;
    pathToFileURL: (path: string) => URL;
  };
  const base = url.startsWith('file:') ? url : pathToFileURL(`${proc.cwd?.() ?? '/'}/`).href;
  try {
    return createRequire(base)(url.startsWith('file:') ? fileURLToPath(url) : url) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * Resolves a spec in the calling thread without waiting: sources compile, builtins look up,
 * and module exports resolve when their module was already imported here by {@link resolveTask}
 * or can be loaded synchronously (Node's `require` of an ES module).
 */
export function resolveTaskSync(spec: TaskSpec): (...args: unknown[]) => unknown {
  switch (spec.kind) {
    case 'source':
      return compile(spec) as (...args: unknown[]) => unknown;
    case 'builtin': {
      const fn = builtins.get(spec.name);
      if (fn === undefined) throw new TypeError(`unknown builtin task '${spec.name}'`);
      return fn as (...args: unknown[]) => unknown;
    }
    case 'module': {
      let fn = compiled.get(moduleKey(spec));
      if (fn === undefined) {
        const mod = requireModule(spec.url);
        if (mod === undefined) {
          throw new TypeError(`module task ${moduleKey(spec)} is not loaded in this thread yet, and this runtime cannot load it synchronously`);
        }
        fn = exportOf(spec, mod);
        compiled.set(moduleKey(spec), fn);
      }
      return fn as (...args: unknown[]) => unknown;
    }
  }
}

/** Resolves any spec in the calling thread, importing the module of a module export (cached). */
export async function resolveTask(spec: TaskSpec): Promise<(...args: unknown[]) => unknown> {
  if (spec.kind === 'module' && !compiled.has(moduleKey(spec))) {
    const mod = (await import(/* @vite-ignore */ spec.url)) as Record<string, unknown>;
    compiled.set(moduleKey(spec), exportOf(spec, mod));
  }
  return resolveTaskSync(spec);
}

const preloads = new Set<Promise<unknown>>();

/**
 * Makes a module task resolvable by a later {@link resolveTaskSync} in this thread (a shared
 * object with a module callback calls this when it is made or revived): loads it at once where
 * the runtime can (Node's `require`; an `import()` still in flight would make a later `require`
 * of the same module fail), else starts importing it without waiting. Failures surface when the
 * task is resolved for real.
 */
export function preloadTask(spec: TaskSpec): void {
  if (spec.kind !== 'module' || compiled.has(moduleKey(spec))) return;
  const mod = requireModule(spec.url);
  if (mod !== undefined && spec.name in mod) {
    compiled.set(moduleKey(spec), mod[spec.name]);
    return;
  }
  const loading = resolveTask(spec).catch(() => undefined);
  preloads.add(loading);
  void loading.finally(() => preloads.delete(loading));
}

/** Waits for every {@link preloadTask} started so far (the runner calls it before `run()`). */
export async function settlePreloads(): Promise<void> {
  while (preloads.size > 0) await Promise.all([...preloads]);
}
