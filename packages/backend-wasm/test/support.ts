/** Test helpers: a backend over a fresh, small, formatted Memory (no threads, no api install). */
import { WasmBackend, type ThreadTraits } from '../src/backend';
import { createMemory } from '../src/heap';

/** A formatted backend over its own `mb`-MiB Memory. */
export function freshBackend(traits: Partial<ThreadTraits> = {}, mb = 16): WasmBackend {
  const backend = new WasmBackend(createMemory(mb * 1024 * 1024), {
    isMain: true,
    canBlock: true,
    nativeId: 1,
    writeStderr: (text) => process.stderr.write(text),
    ...traits,
  });
  backend.wasm.formatHeap();
  return backend;
}
