/**
 * What this machine can do for the native addon, for the package's build and test scripts:
 * whether Rust's `cargo` is on PATH, whether an addon is built (or installed) for this platform,
 * and whether a missing addon is an error (THREADKIT_REQUIRE_NATIVE=1, set by CI).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The package's root directory. */
export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What to install when Rust is missing (one line, shown by the build and the tests). */
export const INSTALL_RUST = 'install Rust (https://rustup.rs: cargo on PATH) and run `npm run build` to build it';

/** `cargo --version`'s line, or undefined when cargo is not on PATH (or does not run). */
export function cargoVersion() {
  const r = spawnSync('cargo', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** True when THREADKIT_REQUIRE_NATIVE is set (to anything but '' or '0'): a missing addon is an error. */
export function nativeRequired() {
  const v = process.env.THREADKIT_REQUIRE_NATIVE;
  return v !== undefined && v !== '' && v !== '0';
}

/**
 * Where the addon for this machine is: a binary built in this package (`threadkit-native.*.node`)
 * or the per-platform package's, or undefined when there is none.
 */
export function findAddon() {
  const local = readdirSync(PACKAGE_ROOT).find((file) => /^threadkit-native\..+\.node$/.test(file));
  if (local !== undefined) return PACKAGE_ROOT + local;
  const require = createRequire(import.meta.url);
  for (const dir of existsSync(PACKAGE_ROOT + 'npm') ? readdirSync(PACKAGE_ROOT + 'npm') : []) {
    try {
      return require.resolve(`@threadkit/backend-native-${dir}`);
    } catch {
      // not installed or not built for that platform
    }
  }
  return undefined;
}
