/**
 * Which of the process's Node flags a thread's worker gets: the ones that shape module
 * resolution and loading (conditions, loaders, `--import`/`--require` preloads, source maps,
 * warning and experimental switches). Others are left out: workers reject process-wide and V8
 * flags, and `--input-type` belongs to `node -e` alone.
 */
const TAKES_VALUE = new Set(['-C', '--conditions', '--import', '-r', '--require', '--loader', '--experimental-loader']);
const KEEP = /^--(?:(?:conditions|import|require|loader|experimental-loader|disable-warning)=.+|no-warnings|enable-source-maps|(?:no-)?experimental-[\w-]+)$/;

/** The flags of `argv` (default: `process.execArgv`) a worker should start with. */
export function inheritedExecArgv(argv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (TAKES_VALUE.has(flag) && i + 1 < argv.length) out.push(flag, argv[++i]!);
    else if (KEEP.test(flag)) out.push(flag);
  }
  return out;
}
