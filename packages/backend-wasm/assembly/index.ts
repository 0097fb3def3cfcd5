/**
 * The wasm backend's WebAssembly side: every primitive's operation on the shared Memory —
 * parking, the core lock, the allocator, the spawn queue. One module, instantiated per thread
 * over the same imported shared Memory (which the allocator grows); its only mutable global is
 * the per-thread `canBlock` flag. Built with the stub runtime and no data segments (nothing is
 * re-applied to the shared Memory when another thread instantiates it).
 */
export { setCanBlock, canBlock, parkCell, unparkCell } from './park';
export { lockTry, lockTryContended, lockAcquire, lockRelease, lockLocked } from './core-lock';
export { formatHeap, alloc, free } from './allocator';
export { enqueueSpawn, takeSpawn, returningSpawn, prewarm, lostSpawn } from './spawn-queue';
export { SPAWN_REQUESTED, PENDING_COUNT, HEAP_LENGTH, HEAP_CAP, HEAP_USED } from './layout';
