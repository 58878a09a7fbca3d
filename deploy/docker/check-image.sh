#!/usr/bin/env bash
# `npm run check:image`: builds the Dockerfile with buildah and starts the bridge from the image
# against the local Postgres (a database of its own) and Redis (a key prefix of its own), until
# /health/ready answers 200; then stops it with SIGTERM. No registry is reachable for base images
# here, so the base is made from this machine's node and npm (NODE_IMAGE); the Dockerfile is
# otherwise built as it is, its npm ci steps against the npm registry.
set -euo pipefail
cd "$(dirname "$0")/../.."
export BUILDAH_ISOLATION=chroot
BASE=localhost/agent-bridge-node-base:20
IMAGE=localhost/agent-bridge:check
PORT=${CHECK_IMAGE_PORT:-3795}
DB=agent_bridge_image_check

buildah rm ab-check-base ab-check-run >/dev/null 2>&1 || true
# A base left by an earlier run is used only if its npm runs (and is this machine's npm).
base_ok() {
  [ "$(buildah run --isolation chroot "$(buildah from --name ab-check-base "$BASE")" -- npm --version 2>/dev/null)" = "$(npm --version)" ]
}
if buildah inspect --type image "$BASE" >/dev/null 2>&1 && ! base_ok; then
  echo "== $BASE cannot run this machine's npm $(npm --version): making it again"
  buildah rmi -f "$BASE" >/dev/null
fi
buildah rm ab-check-base >/dev/null 2>&1 || true
if ! buildah inspect --type image "$BASE" >/dev/null 2>&1; then
  echo "== making $BASE from this machine's node $(node --version)"
  c=$(buildah from --name ab-check-base scratch)
  m=$(buildah mount "$c")
  copy() { for f in "$@"; do mkdir -p "$m$(dirname "$f")"; cp -aL "$f" "$m$f"; done; }
  libs() { ldd "$1" | awk '{ if ($3 ~ /^\//) print $3; else if ($1 ~ /^\//) print $1 }'; }
  # npm's bin has a `#!/usr/bin/env node` line: without env the shell reports "npm: not found".
  for bin in "$(command -v node)" /bin/dash /bin/sleep /usr/bin/env; do copy "$bin"; copy $(libs "$bin"); done
  for lib in /lib/x86_64-linux-gnu/libnss_dns.so.2 /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libresolv.so.2; do
    if [ -e "$lib" ]; then copy "$lib"; fi
  done
  ln -s dash "$m/bin/sh"
  mkdir -p "$m/usr/lib/node_modules" "$m/tmp" "$m/etc" "$m/home/node"
  chmod 1777 "$m/tmp"
  cp -a "$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")" "$m/usr/lib/node_modules/npm"
  ln -sf /usr/lib/node_modules/npm/bin/npm-cli.js "$m/usr/bin/npm"
  cp -aL /etc/ssl "$m/etc/ssl"
  printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000:node:/home/node:/bin/sh\n' > "$m/etc/passwd"
  printf 'root:x:0:\nnode:x:1000:\n' > "$m/etc/group"
  chown 1000:1000 "$m/home/node"
  # The machine's CA bundle, as npm here uses it.
  buildah config --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt "$c"
  buildah umount "$c" >/dev/null
  buildah commit --quiet --rm "$c" "$BASE" >/dev/null
  base_ok || { echo "FAIL the base $BASE does not run npm"; exit 1; }
  buildah rm ab-check-base >/dev/null 2>&1 || true
fi

echo "== buildah build (Dockerfile, NODE_IMAGE=$BASE)"
buildah build --quiet --layers --format docker --build-arg NODE_IMAGE="$BASE" -t "$IMAGE" -f Dockerfile . >/dev/null
echo "image $IMAGE: user $(buildah inspect --type image --format '{{.OCIv1.Config.User}}, entrypoint {{.OCIv1.Config.Entrypoint}} {{.OCIv1.Config.Cmd}}, healthcheck {{.Docker.Config.Healthcheck.Test}}' "$IMAGE")"

psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB"
c=$(buildah from --name ab-check-run "$IMAGE")
log=$(mktemp)
buildah run --user node --env PORT="$PORT" --env DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" \
  --env REDIS_KEY_PREFIX=ab-image-check --env KORE_CLIENT_ID=cs-image-check --env KORE_CLIENT_SECRET=image-check \
  "$c" -- /bin/sh deploy/docker/entrypoint.sh bridge >"$log" 2>&1 &
runner=$!
# The bridge is a descendant of this script's `buildah run`: found by process id, never by name.
bridge_pid() {
  local queue=("$runner") pid
  while [ "${#queue[@]}" -gt 0 ]; do
    pid=${queue[0]}; queue=("${queue[@]:1}")
    if [ "$(ps -o comm= -p "$pid" 2>/dev/null)" = node ]; then echo "$pid"; return; fi
    queue+=($(ps -o pid= --ppid "$pid" 2>/dev/null))
  done
}
cleanup() {
  pid=$(bridge_pid)
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; fi
  wait "$runner" 2>/dev/null || true
  buildah rm "$c" >/dev/null 2>&1 || true
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" || true
  rm -f "$log"
}
trap cleanup EXIT
for _ in $(seq 1 120); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health/ready")" = 200 ]; then
    echo "ok   the image's bridge answered /health/ready 200 as uid $(ps -o uid= -p "$(bridge_pid)" | tr -d ' '), $(tr '\0' ' ' < "/proc/$(bridge_pid)/cmdline" | cut -c1-80); first line: $(head -1 "$log" | cut -c1-100)"
    # The image's HEALTHCHECK command, run in the container beside the bridge.
    buildah run --user node --env PORT="$PORT" "$c" -- node deploy/docker/healthcheck.js
    echo "ok   the image's HEALTHCHECK command exits 0 beside it"
    exit 0
  fi
  if ! kill -0 "$runner" 2>/dev/null; then break; fi
  sleep 1
done
echo "FAIL the image's bridge was not ready:"; cat "$log"; exit 1
