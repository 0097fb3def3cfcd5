/**
 * Which modules a threadkit-worker runs tasks from. The worker is started with one or more
 * `--tasks` entries (a module file, a directory, or a package name); the first file's directory
 * (or the first directory) is the task root. A job's module specifier resolves
 *   - `./x.js` / `../x.js` (relative): against the task root, and must stay inside it;
 *   - a bare package name: only when it was given with `--tasks`;
 * anything else (absolute paths, `file:`/`data:`/`node:` URLs) is refused — a job read from Redis
 * can name a task, never choose arbitrary code to load.
 */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Resolves job module specifiers to file URLs the worker's threads import. */
export class TaskResolver {
  /** The task root directory. */
  readonly root: string;
  private readonly packages = new Map<string, string>();
  private readonly cache = new Map<string, string>();

  /** `tasks`: the `--tasks` entries, relative to `cwd`. A TypeError for one that does not resolve. */
  constructor(tasks: readonly string[], cwd = process.cwd()) {
    if (tasks.length === 0) throw new TypeError('threadkit-worker needs --tasks (a module file, a directory, or a package name)');
    let root: string | undefined;
    const require = createRequire(resolve(cwd, 'package.json'));
    for (const entry of tasks) {
      if (isBare(entry)) {
        let file: string;
        try {
          file = require.resolve(entry);
        } catch {
          throw new TypeError(`--tasks ${entry}: no such package (resolved from ${cwd})`);
        }
        this.packages.set(entry, pathToFileURL(file).href);
        continue;
      }
      const path = resolve(cwd, entry);
      if (!existsSync(path)) throw new TypeError(`--tasks ${entry}: no such file or directory (${path})`);
      root ??= statSync(path).isDirectory() ? path : dirname(path);
    }
    this.root = root ?? cwd;
  }

  /** The modules to import at start (files given with --tasks and packages), as file URLs. */
  preloads(tasks: readonly string[], cwd = process.cwd()): string[] {
    return tasks.flatMap((entry) => {
      if (isBare(entry)) return [this.packages.get(entry)!];
      const path = resolve(cwd, entry);
      return statSync(path).isDirectory() ? [] : [pathToFileURL(path).href];
    });
  }

  /** The file URL of `specifier`; a TypeError saying why it is refused. */
  resolve(specifier: string): string {
    const known = this.cache.get(specifier);
    if (known !== undefined) return known;
    if (typeof specifier !== 'string' || specifier === '') throw new TypeError('a task module specifier must be a non-empty string');
    let url: string;
    if (specifier.startsWith('./') || specifier.startsWith('../')) {
      const path = resolve(this.root, specifier);
      const inside = relative(this.root, path);
      if (inside.startsWith('..') || isAbsolute(inside) || inside.split(sep).includes('..')) {
        throw new TypeError(`task module '${specifier}' is outside the worker's task root (${this.root})`);
      }
      if (!existsSync(path)) throw new TypeError(`task module '${specifier}' not found in the worker's task root (${this.root})`);
      url = pathToFileURL(path).href;
    } else if (isBare(specifier)) {
      const found = this.packages.get(specifier);
      if (found === undefined) {
        throw new TypeError(`task module '${specifier}' is not one of this worker's task packages (start it with --tasks ${specifier})`);
      }
      url = found;
    } else {
      throw new TypeError(`task module '${specifier}' must be a package name or a path relative to the worker's task root`);
    }
    this.cache.set(specifier, url);
    return url;
  }
}

/** True for `pkg`, `@scope/pkg`, `pkg/sub` (not relative, absolute or a URL). */
function isBare(specifier: string): boolean {
  return !specifier.startsWith('.') && !isAbsolute(specifier) && !/^[a-z][a-z0-9+.-]*:/i.test(specifier);
}
