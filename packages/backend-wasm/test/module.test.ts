/** The compiled module's shape: what may and may not be in a module shared by every thread. */
import { describe, expect, it } from 'vitest';
import { wasmModule } from '../src/instance';
import bytes from '../build/threadkit.wasm';

/** Ids of the module's sections, in order (WebAssembly binary format, §5.5). */
function sectionIds(binary: Uint8Array): number[] {
  const ids: number[] = [];
  let at = 8;
  const leb = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = binary[at++]!;
      value |= (byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < binary.length) {
    ids.push(binary[at++]!);
    const size = leb();
    at += size;
  }
  return ids;
}

describe('the wasm module', () => {
  it('has no data segments (nothing is re-applied to the shared Memory per instance) and no start function', () => {
    const ids = sectionIds(bytes);
    expect(ids).not.toContain(11);
    expect(ids).not.toContain(8);
  });

  it('imports only the shared memory, a clock and the growth policy, and exports no memory of its own', () => {
    const module = wasmModule();
    const imports = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}:${i.kind}`);
    expect(imports.sort()).toEqual(['env.grownHeapBytes:function', 'env.memory:memory', 'env.now:function']);
    expect(WebAssembly.Module.exports(module).filter((e) => e.kind === 'memory')).toEqual([]);
  });
});
