/**
 * An executor's interned task specs: each function source (a new arrow each time has the same)
 * or module export (a new `task(url, name)` per submit names the same one) is checked and stored
 * once, and every future of it names that one stored spec. The stored specs are listed in the
 * pool block (any thread holding the executor may add one), and freed with it.
 */
import { backend } from '../runtime';
import { freeValue, storeValue } from '../codec';
import { casField, loadField, storeField } from '../fields';
import { captureOrigin, type Origin } from '../threading/call-site';
import { TaskRef, toTaskSpec } from '../threading/task';

/** A node of a spec list: the next node, and the spec's codec value. */
const SpecNode = { next: 0, value: 4 } as const;

/** One executor's specs in this thread, by function source or module export, and where each was first submitted. */
export class TaskSpecs {
  private readonly byKey = new Map<unknown, number>();
  private readonly firstSubmits = new Map<number, Origin>();

  /** `list`: the cell heading the pool's list of stored specs. */
  constructor(private readonly list: number) {}

  /** The stored spec of `fn` (a function or TaskRef), checked (a TypeError for anything else) and stored on first use. */
  specFor(fn: unknown): number {
    const key = typeof fn === 'function' ? Function.prototype.toString.call(fn) : fn instanceof TaskRef ? `\0${fn.url}\0${fn.exportName}` : fn;
    let spec = this.byKey.get(key);
    if (spec === undefined) {
      spec = storeValue(toTaskSpec(fn, 'submit'));
      pushSpec(this.list, spec);
      this.byKey.set(key, spec);
      this.firstSubmits.set(spec, { stack: captureOrigin(), what: 'first submitted at' });
    }
    return spec;
  }

  /** The stack of the first submit of `spec` (a future's "submitted at" while stacks are off). */
  firstSubmit(spec: number): Origin | undefined {
    return this.firstSubmits.get(spec);
  }
}

/** Adds the stored spec `value` to the list headed at `list` (a lock-free push: nodes leave only when the list is freed). */
function pushSpec(list: number, value: number): void {
  const node = backend().alloc(8);
  storeField(node, SpecNode.value, value);
  for (let head = loadField(list), seen; ; head = seen) {
    storeField(node, SpecNode.next, head);
    if ((seen = casField(list, 0, head, node)) === head) return;
  }
}

/** Frees every spec of the list headed at `list`, and its nodes (its pool is being freed). */
export function freeSpecs(list: number): void {
  for (let node = loadField(list), next; node !== 0; node = next) {
    next = loadField(node, SpecNode.next);
    freeValue(loadField(node, SpecNode.value));
    backend().free(node);
  }
}
