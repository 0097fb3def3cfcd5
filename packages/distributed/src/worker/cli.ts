/**
 * The `threadkit-worker` command:
 *
 *   threadkit-worker --connection redis://host:6379 --queue NAME --tasks ./tasks.js [--threads N]
 *                    [--prefix bull] [--lock-duration MS] [--stalled-interval MS] [--max-stalled-count N]
 *
 * Prints `threadkit-worker ready queue=NAME threads=N pid=P host=H` on stdout once it takes jobs;
 * SIGTERM or SIGINT close it gracefully (running jobs finish, then exit 0).
 */
import { availableParallelism, hostname } from 'node:os';
import { startWorker, type WorkerOptions } from './worker';

const USAGE =
  'usage: threadkit-worker --connection redis://host:port --queue NAME --tasks ./tasks.js [--tasks more…] [--threads N]\n' +
  '                        [--prefix bull] [--lock-duration MS] [--stalled-interval MS] [--max-stalled-count N]';

function fail(message: string): never {
  process.stderr.write(`threadkit-worker: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function count(flag: string, text: string | undefined, min: number): number {
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n < min) fail(`${flag} needs an integer ≥ ${min}`);
  return n;
}

/** Parses the command line (without node and the script). */
export function parseArgs(argv: readonly string[]): WorkerOptions {
  const options: Partial<WorkerOptions> & { tasks: string[] } = { tasks: [] };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.startsWith('--') && argv[i]!.includes('=') ? argv[i]!.split(/=(.*)/s, 2) : [argv[i]!, undefined];
    const value = (): string => inline ?? argv[++i] ?? fail(`${flag} needs a value`);
    switch (flag) {
      case '--connection': options.connection = value(); break;
      case '--queue': options.queue = value(); break;
      case '--tasks': options.tasks.push(value()); break;
      case '--threads': options.threads = count(flag, value(), 1); break;
      case '--prefix': options.prefix = value(); break;
      case '--lock-duration': options.lockDuration = count(flag, value(), 1); break;
      case '--stalled-interval': options.stalledInterval = count(flag, value(), 1); break;
      case '--max-stalled-count': options.maxStalledCount = count(flag, value(), 0); break;
      case '--help': case '-h': process.stdout.write(`${USAGE}\n`); process.exit(0);
      default: fail(`unknown argument ${flag}`);
    }
  }
  if (options.connection === undefined) fail('--connection is required');
  if (options.queue === undefined) fail('--queue is required');
  if (options.tasks.length === 0) fail('--tasks is required');
  return { threads: availableParallelism(), ...options } as WorkerOptions;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  let worker;
  try {
    worker = await startWorker(options);
  } catch (error) {
    process.stderr.write(`threadkit-worker: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`threadkit-worker stopping (${signal}): finishing running jobs\n`);
    worker.close().then(
      () => process.exit(0),
      (error: Error) => {
        process.stderr.write(`threadkit-worker: close failed: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.stdout.write(`threadkit-worker ready queue=${options.queue} threads=${options.threads} pid=${process.pid} host=${hostname()}\n`);
}

await main();
