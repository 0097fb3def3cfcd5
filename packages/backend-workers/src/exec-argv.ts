/**
 * The Node flags a threadkit worker may inherit. Workers inherit `process.execArgv`, and some
 * flags are refused inside a worker (`--input-type` of `node -e` dies with
 * ERR_INPUT_TYPE_NOT_ALLOWED), so those are dropped.
 */
export function workerExecArgv(): string[] {
  return process.execArgv.filter((flag) => !flag.startsWith('--input-type') && flag !== '-e' && flag !== '--eval');
}
