#!/usr/bin/env node
/**
 * `threadkit-conformance --backend <name | package | module path> [--area <name>]… [--verbose]`
 *
 * Runs the threadkit conformance suite against a backend and prints a pass/fail table per area.
 * Exit status: 0 when every test passed, 1 when any failed, 2 for a usage error.
 */
import { formatTable, runConformance } from './run';
import { runtimeLabel } from './runtime';

const USAGE = `usage: threadkit-conformance --backend <name | package | module path> [--area <name>]... [--verbose]

  --backend   workers | wasm | native (@threadkit/backend-<name>), a package name, or a path to
              a module exporting the complete threadkit API (default: $THREADKIT_BACKEND)
  --area      run only this area (a suite file name: lock, queue, executor, ...); repeatable
  --verbose   print every test as it runs
  --help      show this text`;

interface Args {
  backend?: string;
  areas: string[];
  verbose: boolean;
  help: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { areas: [], verbose: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--backend':
      case '-b':
        args.backend = value();
        break;
      case '--area':
        args.areas.push(value());
        break;
      case '--verbose':
        args.verbose = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        throw new Error(`unknown argument '${arg}'`);
    }
  }
  return args;
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`threadkit-conformance: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const backend = args.backend ?? process.env.THREADKIT_BACKEND;
  if (!backend) {
    console.error(`threadkit-conformance: --backend is required\n\n${USAGE}`);
    return 2;
  }
  console.log(`threadkit conformance — backend: ${backend} — runtime: ${runtimeLabel()} (${process.execPath})`);
  const result = await runConformance({ backend, areas: args.areas, verbose: args.verbose });
  console.log(`\n${formatTable(result)}`);
  return result.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`threadkit-conformance: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(2);
  },
);
