/**
 * `npm run demo`: builds every package quietly, then runs examples/demo.mjs. The build's output is
 * shown only when the build fails (then the demo does not run), so what a newcomer reads is the
 * demo's own lines. On a terminal, one line on stderr says the build is under way.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (process.stderr.isTTY) process.stderr.write('building the packages (their output is shown only if the build fails)…\n');
const build = spawnSync('npm', ['run', '--silent', 'build', '--', '--output-logs=errors-only'], {
  cwd: root,
  encoding: 'utf8',
  maxBuffer: 256 * 1024 * 1024,
});
if (build.status !== 0) {
  process.stdout.write(build.stdout ?? '');
  process.stderr.write(build.stderr ?? '');
  console.error(`\nnpm run demo: the build failed (${build.error?.message ?? `exit ${build.status}`}); its output is above`);
  process.exit(1);
}
const demo = spawnSync(process.execPath, ['examples/demo.mjs'], { cwd: root, stdio: 'inherit' });
process.exit(demo.status ?? 1);
