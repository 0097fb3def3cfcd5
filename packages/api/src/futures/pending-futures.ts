/**
 * The futures an executor made and still keeps views of: those not final when last looked at.
 * Their references are not registered for GC (future-view.ts), so a loop that submits and never
 * looks at the results would pile up blocks until the next full GC; instead the executor looks
 * at two of them on each submit, round-robin, and each one found final lets go of its block and
 * is forgotten. The list stays within about twice the futures in flight.
 */
import { Future } from './future';

/** A round-robin-swept list of an executor's futures not final yet. */
export class PendingFutures {
  private readonly views: Future<unknown>[] = [];
  /** Where the next look starts. */
  private cursor = 0;

  /** Looks at two kept futures, then keeps `future` (a view made with `register = false`). */
  add(future: Future<unknown>): void {
    this.sweep(2);
    this.views.push(future);
  }

  /** Looks at up to `budget` kept futures (default: all); those now final are forgotten. */
  sweep(budget = this.views.length): void {
    const views = this.views;
    for (let n = 0; n < budget && views.length > 0; n++) {
      if (this.cursor >= views.length) this.cursor = 0;
      if (Future.settle(views[this.cursor]!)) {
        views[this.cursor] = views[views.length - 1]!;
        views.pop();
      } else {
        this.cursor += 1;
      }
    }
  }

  /** The executor was collected: each kept view's reference goes back to GC-paced release. */
  release(): void {
    for (const view of this.views) Future.registerHeld(view);
  }
}
