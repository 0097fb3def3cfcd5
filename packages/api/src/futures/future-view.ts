/**
 * How a `Future` view (future.ts) holds its future's state: in its own fields whenever it can,
 * with a counted reference on a heap block (future-core.ts) only while it needs one.
 *
 *   local    a `new Future()` takes no block until it is sent to another thread or waited on
 *            with a timeout (`[MATERIALIZE]`); until then every operation works on its fields.
 *   shared   the view reads the block, holding a reference.
 *   let go   once the view sees a final state (FINISHED or CANCELLED_AND_NOTIFIED) it copies the
 *            outcome (the result decoded once, or the exception) into its fields and drops its
 *            reference at once, like a finished Thread's view, so a loop that submits and
 *            consumes futures frees every block as it goes. CANCELLED is not final (the
 *            executor's notification, CANCELLED_AND_NOTIFIED, is still to come and `wait()`
 *            tells them apart, as in CPython): a cancelled view keeps its reference until it
 *            sees the notification (the executor looks for it on its own views).
 *
 * Waits in progress that read the block (async waits, a done-callback watcher, `wait()`,
 * `asCompleted()`) pin it: the reference is dropped when the last one ends. Sent again, a view
 * that let go makes a new, final block for the same future (same id); every block of a future
 * revives as this thread's one view of it (`[SAME_AT]`, known-views.ts).
 *
 * A view's reference is normally registered to be dropped if the view is garbage-collected
 * first (`holdReference`). An executor's own views skip that (and the handle until one is
 * needed): the executor keeps them until they let go, and registers whatever it still keeps
 * if it is collected itself (`registerHeld`).
 */
import { adopt, dropReference, type Handle, HANDLE, holdReference, MATERIALIZE, SAME_AT } from '../handle';
import { loadResult, storeResult } from '../codec';
import { appendOrigin, ORIGIN, type Origin } from '../threading/call-site';
import { EXCEPTION, F, FINISHED, RESULT, allocFuture, isSettled, releaseFuture } from './future-core';
import { handOff, rememberView } from './known-views';
import { loadField } from '../fields';

/** Handle kind of future blocks. */
export const FUTURE_KIND = 'threadkit.Future';

/** What a view keeps in its own fields: the whole state while local, the final outcome once it let go. */
export interface Kept {
  state: number;
  /** FINISHED by an exception. */
  raised: boolean;
  /** The result or the exception (FINISHED only): the one object `result()` returns every time. */
  value: unknown;
}

/** The memory side of a `Future` view (see the module comment); `Future` adds Python's API. */
export abstract class FutureView {
  declare readonly [HANDLE]: Handle;
  /** Heap address of the block this view stands for (0 while local). */
  declare protected address: number;
  /** The future's process-wide id (the same in every block made for it). */
  declare protected id: number;
  /** Set while local and once let go: the state, kept in this view. */
  declare protected kept: Kept | undefined;
  /** For an executor's future, in the submitting thread: the `submit` call's stack, appended to the task's error. */
  declare [ORIGIN]: Origin | undefined;
  /** True while this view holds a reference on its block. */
  declare protected held: boolean;
  /** True while that reference is registered with `holdReference` (and the handle adopted). */
  declare protected registered: boolean;
  /** Waits in progress that read the block; the reference is not dropped while > 0. */
  declare protected pins: number;
  /** True once this is the thread's view of its future id (see known-views.ts). */
  declare protected known: boolean;
  /** True while this view is in the handed-off list (see known-views.ts). */
  declare protected handedOff: boolean;

  /** Sets up `view`; with an `address`, the view holds the reference already counted for it (registered if `register`). */
  protected static initView(view: FutureView, address: number, id: number, kept: Kept | undefined, register: boolean): void {
    view.address = address;
    view.id = id;
    view.kept = kept;
    view[ORIGIN] = undefined;
    view.held = address !== 0;
    view.registered = false;
    view.pins = 0;
    view.known = false;
    view.handedOff = false;
    if (view.held && register) view.register();
  }

  /** @internal Registers the reference of a view that holds one unregistered (see the module comment). */
  static registerHeld(view: FutureView): void {
    if (view.held && !view.registered) view.register();
  }

  /** @internal Makes `view` this thread's view of its future id. */
  static remember(view: FutureView): void {
    view.known = true;
    rememberView(view, view.id);
  }

  /** @internal The state now; a view that sees a final state lets go of its block. */
  static stateOf(view: FutureView): number {
    return view.state();
  }

  /** @internal True when the future finished by raising. */
  static raised(view: FutureView): boolean {
    return view.state() === FINISHED && view.kept!.raised;
  }

  /**
   * @internal For the executor's sweep: true once final (the view let go), or when the outcome
   * cannot be decoded here (the view then keeps its block, registered, until it is collected).
   */
  static settle(view: FutureView): boolean {
    try {
      return isSettled(view.state());
    } catch {
      FutureView.registerHeld(view);
      return true;
    }
  }

  /** @internal Pins the block of a future not final yet for a wait that reads it (making one if local); returns its address. */
  static pin(view: FutureView): number {
    return view.pin();
  }

  /** @internal Ends a wait started with {@link pin}. */
  static unpin(view: FutureView): void {
    view.unpin();
  }

  /** @internal The block a pinned future's wait reads. */
  static addressOf(view: FutureView): number {
    return view.address;
  }

  /**
   * Before this view's handle leaves the thread (or a wait needs the block): a local view, or
   * one that let go, gets a block; and the view becomes this thread's view of its future id.
   */
  [MATERIALIZE](): void {
    if (!this.known) FutureView.remember(this);
    if (this.held) {
      if (!this.registered) this.register();
      return;
    }
    const kept = this.kept!;
    const finished = kept.state === FINISHED;
    const value = finished ? storeResult(kept.value) : 0;
    const outcome = finished ? (kept.raised ? EXCEPTION : RESULT) : 0;
    this.address = allocFuture(1, this.id, kept.state, outcome, value);
    this.held = true;
    this.register();
    if (isSettled(kept.state)) {
      // The state stays in the fields; the block is only for the handle being sent.
      if (!this.handedOff) {
        this.handedOff = true;
        handOff(() => {
          this.handedOff = false;
          this.dropIfFinal();
        });
      }
      return;
    }
    this.kept = undefined;
    this.shared();
  }

  /** A view stands for the future in the block at `address` when that block is one made for it (same id). */
  [SAME_AT](address: number): boolean {
    return loadField(address, F.id) === this.id;
  }

  /** Called when a local view's state moved to a block (another thread may now complete it). */
  protected abstract shared(): void;

  /** The state now: from the fields, or from the block (letting go of it once final). */
  protected state(): number {
    const kept = this.kept;
    if (kept !== undefined) {
      this.dropIfFinal();
      return kept.state;
    }
    const state = loadField(this.address, F.state);
    if (isSettled(state)) this.letGo(state);
    return state;
  }

  /** Copies the final outcome from the block into the fields and drops the reference (unless pinned). */
  private letGo(state: number): void {
    const raised = loadField(this.address, F.outcome) === EXCEPTION;
    const value = state === FINISHED ? loadResult(loadField(this.address, F.value)) : undefined;
    if (raised) appendOrigin(value, this[ORIGIN]?.what ?? '', this[ORIGIN]?.stack);
    this.kept = { state, raised, value };
    this.dropIfFinal();
  }

  private register(): void {
    adopt(this, FUTURE_KIND, this.address);
    holdReference(this, FUTURE_KIND, this.address);
    this.registered = true;
  }

  protected pin(): number {
    if (!this.held) this[MATERIALIZE]();
    this.pins += 1;
    return this.address;
  }

  protected unpin(): void {
    this.pins -= 1;
    this.dropIfFinal();
  }

  /** Drops the reference once the state is in the fields and no wait pins the block. */
  protected dropIfFinal(): void {
    if (!this.held || this.pins !== 0 || this.kept === undefined) return;
    this.held = false;
    if (!this.registered) {
      releaseFuture(this.address);
      return;
    }
    this.registered = false;
    dropReference(this);
  }
}
