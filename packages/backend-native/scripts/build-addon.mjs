/**
 * `npm run build:addon`: builds the Node-API addon with napi-rs when Rust's cargo is on PATH.
 * Without cargo it prints one line saying the addon was skipped and what to install, and exits 0
 * (every other backend builds and works without Rust) — unless THREADKIT_REQUIRE_NATIVE=1, which
 * makes it an error (CI sets it, so CI always builds and tests the addon).
 */
import { spawnSync } from 'node:child_process';
import { cargoVersion, findAddon, INSTALL_RUST, nativeRequired, PACKAGE_ROOT } from './toolchain.mjs';

if (cargoVersion() === undefined) {
  const kept = findAddon();
  const what = kept === undefined ? 'tests of this package will be skipped' : `keeping the addon built before (${kept})`;
  if (nativeRequired()) {
    console.error(`@threadkit/backend-native: cannot build the native addon: cargo is not on PATH and THREADKIT_REQUIRE_NATIVE is set; ${INSTALL_RUST}`);
    process.exit(1);
  }
  console.log(`@threadkit/backend-native: skipped building the native addon (cargo not on PATH; ${what}): ${INSTALL_RUST}`);
  process.exit(0);
}
const r = spawnSync('npm', ['run', '--silent', 'build:native'], { cwd: PACKAGE_ROOT, stdio: 'inherit' });
process.exit(r.status ?? 1);
