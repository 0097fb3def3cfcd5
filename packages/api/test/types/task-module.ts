/** Exports the type tests name with `task<typeof …>` (never run: the tests only check types). */

/** A task: squares `n`. */
export function square(n: number): number {
  return n * n;
}

/** An async task: `name` repeated `times` times. */
export async function repeat(name: string, times: number): Promise<string> {
  return name.repeat(times);
}
