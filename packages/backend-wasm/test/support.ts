/** Test helpers: a backend over a fresh, formatted Memory (no threads, no api install). */
import { WasmBackend, type ThreadTraits } from '../src/backend';
import { createMemory } from '../src/heap';

/** A formatted backend over its own Memory, which starts at 4 MiB and may grow to `mb` MiB. */
export function freshBackend(traits: Partial<ThreadTraits> = {}, mb = 16): WasmBackend {
  const cap = mb * 1024 * 1024;
  const backend = new WasmBackend(createMemory(cap), {
    isMain: true,
    canBlock: true,
    nativeId: 1,
    writeStderr: (text) => process.stderr.write(text),
    ...traits,
  });
  backend.wasm.formatHeap(cap);
  return backend;
}
