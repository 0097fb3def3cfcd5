/**
 * The slice of vitest's API the conformance suite uses (describe, it, it.each, afterEach, expect), for
 * running the suite's files in a browser page: `expect` is vitest's own (@vitest/expect over
 * chai); {@link runAll} runs the registered tests one after another and reports each.
 */
import * as chai from 'chai';
import { getState, JestAsymmetricMatchers, JestChaiExpect, JestExtend, setState } from '@vitest/expect';

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(JestAsymmetricMatchers);

/** What vitest hands a test: here only `skip(note)`, which ends the test as not applicable. */
interface TestContext {
  skip(note?: string): never;
}

type Body = (ctx: TestContext) => unknown;

const context: TestContext = {
  skip(note = '') {
    throw new Error(`skipped: ${note}`);
  },
};
interface Case {
  readonly file: string;
  readonly name: string;
  readonly body: Body;
  readonly after: Body[];
}

/** One test's outcome. */
export interface Outcome {
  file: string;
  name: string;
  ok: boolean;
  error?: string;
}

const cases: Case[] = [];
const names: string[] = [];
let afters: Body[] = [];
let file = '';

/** vitest's `expect`. */
export const expect = ((value: unknown, message?: string) => chai.expect(value, message)) as unknown as typeof chai.expect;
Object.assign(expect, chai.expect);
(expect as unknown as { getState: () => unknown }).getState = () => getState(expect as never);
setState({ assertionCalls: 0, isExpectingAssertions: false, expectedAssertionsNumber: null }, expect as never);

/** Starts collecting the tests of suite file `name`. */
export function beginFile(name: string): void {
  file = name;
}

/** Groups tests; vitest's options argument (`describe(name, { timeout }, body)`) is accepted and ignored. */
export function describe(name: string, optionsOrBody: object | (() => void), maybeBody?: () => void): void {
  const body = typeof optionsOrBody === 'function' ? optionsOrBody : maybeBody!;
  names.push(name);
  const saved = afters;
  afters = [...afters];
  body();
  afters = saved;
  names.pop();
}

/** Registers a test. */
export function it(name: string, body: Body): void {
  cases.push({ file, name: [...names, name].join(' '), body, after: afters });
}

/**
 * vitest's `it.each(table)(name, body)`: one test per row, `%s` in the name replaced by the row's
 * values in turn (a row that is an array is spread into the body's arguments).
 */
it.each = <T>(table: readonly T[]) =>
  (name: string, body: (...args: unknown[]) => unknown): void => {
    for (const row of table) {
      const args = Array.isArray(row) ? (row as unknown[]) : [row];
      let next = 0;
      const title = name.replace(/%s/g, () => String(args[next++]));
      it(title, () => body(...args));
    }
  };

/** Registers a hook run after each test of the enclosing describe. */
export function afterEach(body: Body): void {
  afters.push(body);
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Runs the registered tests in order, each with a timeout; reports each outcome. */
export async function runAll(timeoutMs: number, report: (outcome: Outcome) => void): Promise<void> {
  for (const c of cases.splice(0)) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs)));
    try {
      await Promise.race([Promise.resolve().then(() => c.body(context)), timeout]);
      for (const after of c.after) await after(context);
      report({ file: c.file, name: c.name, ok: true });
    } catch (error) {
      report({ file: c.file, name: c.name, ok: false, error: describeError(error) });
    } finally {
      clearTimeout(timer);
    }
  }
}
