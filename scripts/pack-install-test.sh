#!/usr/bin/env bash
# Pack-and-install test: packs @threadkit/api and @threadkit/backend-workers with `npm pack`,
# installs the two tarballs into a scratch project outside the monorepo, and runs an ESM and a
# CJS consumer there (threads, a Lock, a Queue, a ThreadPoolExecutor) — the way a user gets the
# packages, with the worker entry resolved from the installed package. Needs built dist/ folders
# (`npm run build`). Exits non-zero on any failure; prints `pack-install: N passed, N failed`,
# counting the checks the consumers made (each prints `checks: N`).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/threadkit-pack-XXXXXX")"
trap 'rm -rf "$work"' EXIT

for pkg in api backend-workers; do
  if [ ! -f "$root/packages/$pkg/dist/index.js" ]; then
    echo "pack-install: packages/$pkg/dist is missing; run 'npm run build' first" >&2
    exit 1
  fi
done

echo "== pack-install: packing into $work"
(cd "$root" && npm pack --silent --workspace @threadkit/api --workspace @threadkit/backend-workers \
  --pack-destination "$work" >/dev/null)
api_tgz="$(ls "$work"/threadkit-api-*.tgz)"
workers_tgz="$(ls "$work"/threadkit-backend-workers-*.tgz)"
tar_listing="$(tar -tzf "$workers_tgz")"
grep -qx 'package/dist/worker.js' <<<"$tar_listing" || { echo "pack-install: dist/worker.js not in $workers_tgz" >&2; exit 1; }

app="$work/app"
mkdir -p "$app"
cat >"$app/package.json" <<'JSON'
{ "name": "threadkit-pack-install-app", "version": "1.0.0", "private": true }
JSON
cp "$root/scripts/pack-install/consumer.mjs" "$root/scripts/pack-install/consumer.cjs" "$app/"
echo "== pack-install: installing the tarballs into a scratch project"
(cd "$app" && npm install --no-audit --no-fund --loglevel=error "$api_tgz" "$workers_tgz")

# The installed copies, not the workspace's, must be what the consumers load.
resolved="$(cd "$app" && node -e "console.log(require.resolve('@threadkit/backend-workers'))")"
case "$resolved" in
  "$app"/node_modules/*) ;;
  *) echo "pack-install: @threadkit/backend-workers resolved outside the scratch project: $resolved" >&2; exit 1 ;;
esac

passed=0
failed=0
for consumer in consumer.mjs consumer.cjs; do
  echo "== pack-install: node $consumer"
  if (cd "$app" && timeout 120 node "$consumer") | tee "$work/out.txt"; [ "${PIPESTATUS[0]}" -eq 0 ]; then
    # A consumer prints `checks: N` (every check it made passed, or it would have failed).
    passed=$((passed + $(sed -n 's/^checks: \([0-9]*\)$/\1/p' "$work/out.txt")))
  else
    echo "pack-install: $consumer FAILED" >&2
    failed=$((failed + 1))
  fi
done
echo "pack-install: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
