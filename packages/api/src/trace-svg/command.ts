/**
 * The `threadkit-trace` command: `threadkit-trace <trace.json> [-o out.svg] [--width px]
 * [--title text]` reads a trace written by `stopTrace` (or THREADKIT_TRACE) and writes the SVG
 * timeline (default: the input's name with `.svg`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderTraceSvg } from './render';

const USAGE = 'usage: threadkit-trace <trace.json> [-o out.svg] [--width px] [--title text]';

/** Runs the command with `args` (without node and the script); returns the exit code. */
export function traceCommand(args: readonly string[], log: (line: string) => void = console.error): number {
  let input: string | undefined;
  let output: string | undefined;
  let width: number | undefined;
  let title: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-h' || arg === '--help') {
      log(USAGE);
      return 0;
    }
    if (arg === '-o' || arg === '--output' || arg === '--width' || arg === '--title') {
      const value = args[++i];
      if (value === undefined) {
        log(`threadkit-trace: ${arg} needs a value\n${USAGE}`);
        return 2;
      }
      if (arg === '--width') {
        width = Number(value);
        if (!Number.isFinite(width) || width < 300) {
          log(`threadkit-trace: --width must be a number of pixels ≥ 300, not ${value}`);
          return 2;
        }
      } else if (arg === '--title') title = value;
      else output = value;
    } else if (input === undefined) input = arg;
    else {
      log(`threadkit-trace: unexpected argument ${arg}\n${USAGE}`);
      return 2;
    }
  }
  if (input === undefined) {
    log(USAGE);
    return 2;
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(input, 'utf8'));
  } catch (error) {
    log(`threadkit-trace: cannot read ${input}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  const events = Array.isArray(data) ? data : (data as { traceEvents?: unknown } | null)?.traceEvents;
  if (!Array.isArray(events)) {
    log(`threadkit-trace: ${input} is not a Chrome trace (no traceEvents array)`);
    return 1;
  }
  const out = output ?? input.replace(/\.json$/i, '') + '.svg';
  writeFileSync(out, renderTraceSvg(events, { width, title: title ?? `threadkit trace: ${input.split(/[\\/]/).pop()}` }));
  log(`threadkit-trace: wrote ${out}`);
  return 0;
}
