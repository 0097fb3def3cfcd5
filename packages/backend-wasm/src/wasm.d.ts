/** The compiled AssemblyScript module's bytes, inlined by tsup's binary loader. */
declare module '*.wasm' {
  const bytes: Uint8Array;
  export default bytes;
}
