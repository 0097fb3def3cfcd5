/**
 * What cannot cross threads, and how the codec says where it was: `cannot copy args[1].cb to
 * another thread: function` (structured clone's DataCloneError, with the path visible).
 */

const SAB: typeof SharedArrayBuffer | undefined = typeof SharedArrayBuffer === 'function' ? SharedArrayBuffer : undefined;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** Platform objects (by their toString tag) that cannot be copied. */
const UNCLONEABLE_TAGS = new Set([
  'Generator',
  'AsyncGenerator',
  'Module',
  'MessagePort',
  'Blob',
  'File',
  'ReadableStream',
  'WritableStream',
  'TransformStream',
  'WebAssembly.Module',
  'WebAssembly.Instance',
  'WebAssembly.Memory',
]);

/** How a step of the path to an uncloneable value is printed. */
export const enum Step {
  /** `.key` or `["key"]` */
  Property,
  /** `[index]` */
  Index,
  /** `.keys()[index]` */
  MapKey,
  /** `.get(key)` */
  MapValue,
  /** `.values()[index]` */
  SetValue,
  /** fixed text such as `.cause` */
  Text,
}

/** Why an object that is none of the copyable kinds cannot be copied, or undefined when it is copied as a plain object. */
export function uncloneableReason(object: object): string | undefined {
  if (object instanceof Promise) return 'Promise';
  if (object instanceof WeakMap) return 'WeakMap';
  if (object instanceof WeakSet) return 'WeakSet';
  if (typeof WeakRef === 'function' && object instanceof WeakRef) return 'WeakRef';
  if (typeof FinalizationRegistry === 'function' && object instanceof FinalizationRegistry) return 'FinalizationRegistry';
  if (object instanceof Symbol) return 'Symbol object';
  if (SAB !== undefined && object instanceof SAB) {
    return 'SharedArrayBuffer (threads do not share it; share numbers with SharedArray or Value)';
  }
  const tag = Object.prototype.toString.call(object).slice(8, -1);
  return UNCLONEABLE_TAGS.has(tag) ? tag : undefined;
}

function describeKey(key: unknown): string {
  if (typeof key === 'string') return JSON.stringify(key);
  if (typeof key === 'bigint') return `${key}n`;
  if (key === null || typeof key !== 'object') return String(key);
  return `<${Array.isArray(key) ? 'array' : 'object'}>`;
}

/**
 * Thrown inside the writer for a value that cannot be copied; each enclosing container adds
 * its step on the way out (no path bookkeeping on the happy path), and `write` turns it into
 * the TypeError callers see.
 */
export class Uncloneable {
  /** Pairs of (Step, key), innermost first. */
  readonly steps: unknown[] = [];
  constructor(readonly what: string) {}

  /** The path from `root` to the value, e.g. `args[1].cb`. */
  path(root: string): string {
    let text = root;
    for (let i = this.steps.length - 2; i >= 0; i -= 2) {
      const key = this.steps[i + 1];
      let step: string;
      switch (this.steps[i] as Step) {
        case Step.Property:
          step = IDENTIFIER.test(key as string) ? `.${key as string}` : `[${JSON.stringify(key)}]`;
          break;
        case Step.Index:
          step = `[${key as number}]`;
          break;
        case Step.MapKey:
          step = `.keys()[${key as number}]`;
          break;
        case Step.MapValue:
          step = `.get(${describeKey(key)})`;
          break;
        case Step.SetValue:
          step = `.values()[${key as number}]`;
          break;
        default:
          step = key as string;
      }
      text += text === '' && step.startsWith('.') ? step.slice(1) : step;
    }
    return text === '' ? 'value' : text;
  }
}
