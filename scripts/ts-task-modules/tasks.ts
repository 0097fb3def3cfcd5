/**
 * A thread's module written in TypeScript (erasable syntax only, as Node's type stripping
 * requires): a task() export and a `static module` Thread subclass. Threads import this file
 * itself, as .ts, in whatever runtime runs main.ts.
 */
import { Thread, currentThread, type Queue } from '@threadkit/backend-workers';

/** One unit of work. */
export interface Job {
  readonly n: number;
}

/** Puts `<thread name>: n²` on `out`. */
export function square(job: Job, out: Queue<string>): void {
  out.put(`${currentThread().name}: ${job.n * job.n}`);
}

/** A Thread subclass that threads load from this module: puts `subclass: n²` on `out`. */
export class Squarer extends Thread {
  static override module = import.meta.url;
  readonly job: Job;
  readonly out: Queue<string>;

  constructor(job: Job, out: Queue<string>) {
    super();
    this.job = job;
    this.out = out;
  }

  override run(): void {
    this.out.put(`subclass: ${this.job.n * this.job.n}`);
  }
}
