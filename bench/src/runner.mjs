/**
 * A contender's process. The harness forks one per contender (`runner.mjs <contender> [module]`)
 * and sends it requests over the IPC channel, one at a time:
 *   { op: 'sample', figure, n }  -> { value, extra }   (value: ns per operation, a factor or bytes)
 *   { op: 'end', figure }        -> {}                 (tears the figure's state down)
 * A contender module exports `load(arg)` returning `{ info, figures }`, where each figure is
 * `{ sample(n, state) -> { value, extra } | number, end?(state) }`.
 */
const [contender, arg] = process.argv.slice(2);
const modules = { threadkit: './threadkit.mjs', raw: './raw.mjs', piscina: './pools.mjs', tinypool: './pools.mjs', bullmq: './distributed.mjs', local: './distributed.mjs' };

const { load } = await import(modules[contender]);
const { info, figures } = await load(arg ?? contender);
if (contender === 'threadkit') {
  // The distributed figures: a DistributedExecutor on this backend (imported above).
  process.env.BENCH_TK_MODULE = arg;
  Object.assign(figures, (await import('./distributed.mjs')).distributedFigures('threadkit'));
}
const states = new Map();

async function handle(request) {
  if (request.op === 'info') return info;
  const figure = figures[request.figure];
  if (figure === undefined) return { error: `no workload for ${request.figure}` };
  if (!states.has(request.figure)) states.set(request.figure, {});
  const state = states.get(request.figure);
  if (request.op === 'end') {
    states.delete(request.figure);
    await figure.end?.(state);
    return {};
  }
  const result = await figure.sample(request.n, state);
  return typeof result === 'number' ? { value: result, extra: {} } : result;
}

process.on('message', async (request) => {
  let reply;
  try {
    reply = await handle(request);
  } catch (error) {
    reply = { error: String(error?.stack ?? error).split('\n').slice(0, 3).join(' | ') };
  }
  process.send({ id: request.id, ...reply });
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
