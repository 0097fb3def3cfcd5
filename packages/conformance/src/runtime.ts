/**
 * Which JavaScript runtime this code runs in, for the conformance CLI's header and the suite's
 * proof that its test files ran there: Deno and Bun also define `process.versions.node`, so they
 * are recognised by their own globals first.
 */

/** A runtime's name and version, e.g. `{ name: 'bun', version: '1.4.5' }`. */
export interface RuntimeInfo {
  /** `node`, `bun`, `deno`, or `unknown`. */
  readonly name: string;
  /** The runtime's own version (`Deno.version.deno`, `Bun.version`, `process.versions.node`). */
  readonly version: string;
}

/** The runtime this code runs in. */
export function currentRuntime(): RuntimeInfo {
  const g = globalThis as {
    Deno?: { version?: { deno?: string } };
    Bun?: { version?: string };
    process?: { versions?: { node?: string } };
  };
  if (typeof g.Deno?.version?.deno === 'string') return { name: 'deno', version: g.Deno.version.deno };
  if (typeof g.Bun?.version === 'string') return { name: 'bun', version: g.Bun.version };
  if (typeof g.process?.versions?.node === 'string') return { name: 'node', version: g.process.versions.node };
  return { name: 'unknown', version: '' };
}

/** `bun 1.4.5`, `deno 2.9.6`, `node 20.20.2`. */
export function runtimeLabel(info: RuntimeInfo = currentRuntime()): string {
  return info.version === '' ? info.name : `${info.name} ${info.version}`;
}
