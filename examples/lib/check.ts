/**
 * Tiny assertion helper shared by the examples: each example checks its own lesson.
 * A failed check prints `FAIL: <message>` and makes the process exit non-zero (without throwing,
 * so the example still finishes and prints the rest of its output).
 */
export function check(cond: boolean, message: string): void {
  if (!cond) {
    console.log(`FAIL: ${message}`);
    process.exitCode = 1;
  }
}
