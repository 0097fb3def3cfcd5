/**
 * Per-isolate spares of one kind of heap block that a thread lets go of and makes again at a
 * high rate (a future block, a parking-lot node): kept for its next ones, up to a bound, so that
 * neither the release nor the next allocation takes the heap's lock. A block kept here still
 * counts as in use in `heapStats()`. Every thread gives its spares back to the heap when its run
 * ends ({@link freeSpareBlocks}, called by threading/runner.ts), so an exited thread leaves none
 * behind. A thread that dies without running its end (a hard stop, a crash, `process.exit` in it)
 * takes its spares with it, so a list that may hold many keeps them on the main thread only
 * (`mainThreadOnly`), whose end is the process's. Spares of a backend that is no longer the
 * installed one (a test may install another) are forgotten, not freed.
 */
import type { Backend } from './spi';

/** Every spare list of this isolate, for {@link freeSpareBlocks}. */
const lists: SpareBlocks[] = [];

/** The spares of one kind of block in this isolate. */
export class SpareBlocks {
  private readonly blocks: number[] = [];
  private owner: Backend | undefined;

  /**
   * @param max how many blocks it keeps at most.
   * @param mainThreadOnly keep none on other threads (each block goes straight back to the heap).
   */
  constructor(
    private readonly max: number,
    private readonly mainThreadOnly = false,
  ) {
    lists.push(this);
  }

  /** A kept block of backend `b` (as the releaser left it: the caller resets what it needs), or 0. */
  take(b: Backend): number {
    return this.owner === b ? (this.blocks.pop() ?? 0) : 0;
  }

  /** Keeps the block at `address` (one no other thread uses any more) for {@link take}, or frees it when enough are kept. */
  keep(b: Backend, address: number): void {
    if (this.owner !== b) {
      this.blocks.length = 0;
      this.owner = this.mainThreadOnly && !b.isMain ? undefined : b;
    }
    if (this.owner === b && this.blocks.length < this.max) this.blocks.push(address);
    else b.free(address);
  }

  /** Frees every kept block. */
  free(): void {
    const b = this.owner;
    const blocks = this.blocks;
    while (b !== undefined && blocks.length > 0) b.free(blocks.pop()!);
  }
}

/** Gives every spare block of this isolate back to the heap (a thread's run is over). */
export function freeSpareBlocks(): void {
  for (const list of lists) list.free();
}
