const tk = await import(process.argv[2] ?? '@threadkit/backend-workers');
const { HANDLE, heapStats, Lock, RLock, Condition, Semaphore, BoundedSemaphore, Event, Barrier, Queue, LifoQueue, PriorityQueue, SimpleQueue, Value, SharedArray, Thread, Future, local } = tk;
const kinds = {
  Lock: () => new Lock(), RLock: () => new RLock(), Condition: () => new Condition(), Semaphore: () => new Semaphore(1),
  BoundedSemaphore: () => new BoundedSemaphore(1), Event: () => new Event(), Barrier: () => new Barrier(2),
  Queue: () => new Queue(), LifoQueue: () => new LifoQueue(), PriorityQueue: () => new PriorityQueue(), SimpleQueue: () => new SimpleQueue(),
  "Value('i')": () => new Value('i'), "SharedArray('d', 16)": () => new SharedArray('d', 16), 'Thread (unstarted)': () => new Thread({ target: () => {} }),
  Future: () => new Future(), local: () => local(),
};
const N = 1000;
for (const [name, make] of Object.entries(kinds)) {
  const keep = [];
  const localBefore = heapStats().usedBytes;
  for (let i = 0; i < N; i++) keep.push(make());
  const localBytes = (heapStats().usedBytes - localBefore) / N;
  const before = heapStats().usedBytes;
  for (const o of keep) void o[HANDLE];
  const shared = (heapStats().usedBytes - before) / N;
  console.log(`${name}: local ${localBytes} B, shared ${shared} B`);
}
