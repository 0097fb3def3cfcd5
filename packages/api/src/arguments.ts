/**
 * Checks of what a constructor was called with, worded as Python words them: a TypeError for
 * arguments where Python takes none, a DeprecationWarning where Python 3.13 only warns.
 */

/** Python's DeprecationWarning: Node's `process.emitWarning` where there is one, else `console.warn`. */
export function warnDeprecated(message: string): void {
  const emit = (globalThis as { process?: { emitWarning?: (message: string, type: string) => void } }).process?.emitWarning;
  if (typeof emit === 'function') emit(message, 'DeprecationWarning');
  else console.warn(`DeprecationWarning: ${message}`);
}

/** Python's TypeError for a constructor that takes no arguments and got some (`message` is Python's). */
export function takesNoArguments(count: number, message: (count: number) => string): void {
  if (count > 0) throw new TypeError(message(count));
}
