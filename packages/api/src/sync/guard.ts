/**
 * The `using` guard: Python's `with lock:` is `using _ = lock.hold();` (or
 * `await using _ = await lock.holdAsync();`). The guard is handed out already acquired and
 * releases once when its scope ends, however the scope ends.
 */
import { RuntimeError } from '../errors';
import { INSPECT } from '../inspect';

/** Anything a guard can release: locks, conditions, semaphores. */
export interface Releasable {
  release(): void;
}

/**
 * A held lock (or condition, or semaphore unit). Disposing it releases what it holds exactly
 * once; a second dispose does nothing. {@link release} releases early, and throws when the
 * guard no longer holds anything. Guards are per-thread objects: they do not cross threads.
 */
export class Guard<T extends Releasable = Releasable> implements Disposable, AsyncDisposable {
  private held: T | undefined;

  /** Wraps `target`, which the caller has already acquired. */
  constructor(target: T) {
    this.held = target;
  }

  /** True until the guard has released what it holds. */
  get holding(): boolean {
    return this.held !== undefined;
  }

  /** Releases now; throws RuntimeError('guard already released') on a second call. */
  release(): void {
    const target = this.held;
    if (target === undefined) throw new RuntimeError('guard already released');
    this.held = undefined;
    target.release();
  }

  /** Releases at the end of a `using` scope (no-op when already released). */
  [Symbol.dispose](): void {
    if (this.held !== undefined) this.release();
  }

  /** Releases at the end of an `await using` scope (no-op when already released). */
  [Symbol.asyncDispose](): Promise<void> {
    try {
      this[Symbol.dispose]();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** `<Guard holding <Lock locked>>` / `<Guard released>` */
  toString(): string {
    return this.held === undefined ? '<Guard released>' : `<Guard holding ${String(this.held)}>`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}
