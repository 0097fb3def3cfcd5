/**
 * The Node flags a threadkit worker inherits from the process: only those that decide how
 * modules are found and loaded (conditions, loaders, preloads, warnings, source maps), so a
 * thread resolves and compiles modules as the main thread does. Everything else stays out:
 * workers refuse process-wide and V8 flags (`--expose-gc` fails with
 * ERR_WORKER_INVALID_EXEC_ARGV) and `--input-type` of `node -e`.
 */
const WITH_VALUE = new Set(['--conditions', '-C', '--import', '--require', '-r', '--loader', '--experimental-loader']);
const ALONE = /^--(?:(?:conditions|import|require|loader|experimental-loader|disable-warning)=.+|no-warnings|enable-source-maps|(?:no-)?experimental-[\w-]+)$/;

/** The flags of `argv` (default: `process.execArgv`) a thread's worker should start with. */
export function workerExecArgv(argv: readonly string[] = process.execArgv): string[] {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (WITH_VALUE.has(flag) && i + 1 < argv.length) kept.push(flag, argv[++i]!);
    else if (ALONE.test(flag)) kept.push(flag);
  }
  return kept;
}
