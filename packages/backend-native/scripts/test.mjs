/**
 * `npm test` in this package: the crate's Rust tests, the package's tests and the conformance
 * suite on this backend — or, when no addon is built for this machine (no Rust at build time),
 * one line reporting them SKIPPED with the reason, never as passed. With
 * THREADKIT_REQUIRE_NATIVE=1 (CI) a missing addon or cargo is an error instead.
 */
import { spawnSync } from 'node:child_process';
import { cargoVersion, findAddon, INSTALL_RUST, nativeRequired, PACKAGE_ROOT } from './toolchain.mjs';

/** Runs an npm script of this package, output as is; exits with its status when it fails. */
function run(script) {
  const r = spawnSync('npm', ['run', '--silent', script], { cwd: PACKAGE_ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const cargo = cargoVersion();
if (findAddon() === undefined) {
  const reason = `the native addon is not built (${cargo === undefined ? 'cargo was not on PATH' : 'run `npm run build`'})`;
  if (nativeRequired()) {
    console.error(`@threadkit/backend-native: tests cannot run: ${reason}, and THREADKIT_REQUIRE_NATIVE is set`);
    process.exit(1);
  }
  console.log(`@threadkit/backend-native: SKIPPED all tests (Rust tests, package tests, conformance suite): ${reason}; ${INSTALL_RUST}`);
  process.exit(0);
}
if (cargo === undefined) {
  if (nativeRequired()) {
    console.error('@threadkit/backend-native: the Rust tests cannot run: cargo is not on PATH, and THREADKIT_REQUIRE_NATIVE is set');
    process.exit(1);
  }
  console.log(`@threadkit/backend-native: SKIPPED the Rust tests (cargo not on PATH); running the package tests on the addon built before`);
} else {
  run('test:native');
}
run('test:unit');
run('test:conformance');
