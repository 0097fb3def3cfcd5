/**
 * `@threadkit/api/source-check`: finds the free variables of a function's source with acorn.
 *
 * A self-contained thread target may use only its parameters, JS globals and threadkit's
 * exports; this is what finds anything else it captured, so the mistake is reported where the
 * thread is created rather than as a ReferenceError inside it. It is a separate entry because
 * only threads that start threads need it: the api loads it on first use (synchronously, with
 * `require`, where the runtime has one), so an idle thread never pays for a JS parser. Loading
 * this module registers it; runtimes without `require` (browsers) import it up front.
 */
import { parseExpressionAt } from 'acorn';
import findGlobals from 'acorn-globals';

/** Global symbol under which this module registers {@link freeNames} for the api to find. */
export const SOURCE_CHECK: unique symbol = Symbol.for('threadkit.sourceCheck') as never;

/** The identifiers an expression reads without declaring them (globals included), in order of appearance. */
export function freeNames(expression: string): string[] {
  const ast = parseExpressionAt(expression, 0, { ecmaVersion: 'latest', sourceType: 'module' });
  const program = { type: 'Program', body: [{ type: 'ExpressionStatement', expression: ast }], sourceType: 'module' };
  return findGlobals(program as never).map((g: { name: string }) => g.name);
}

(globalThis as { [SOURCE_CHECK]?: typeof freeNames })[SOURCE_CHECK] = freeNames;
