#!/usr/bin/env bash
# Time a newcomer's first `make run` on a fresh clone: from `git clone` to /healthz answering.
# Usage: [REF=<commit>] bench/setup_time.sh [make-args...]   (e.g. INSTALLER=pip)
# REF measures an older commit of this branch (e.g. the one before uv) the same way.
# Also times `make install-dev` (the install part of `make test`) in the same clone afterwards.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
branch="$(git -C "$repo" rev-parse --abbrev-ref HEAD)"
tmp="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cleanup() { [ -n "${pid:-}" ] && kill -- -"$pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
start=$(date +%s.%N)
git clone -q --branch "$branch" "$repo" "$tmp/clone"
cd "$tmp/clone"
[ -n "${REF:-}" ] && git checkout -q "$REF"
set -m
PORT="$port" make run "$@" > "$tmp/run.log" 2>&1 &
pid=$!
set +m
until curl -fsS "http://127.0.0.1:$port/healthz" > /dev/null 2>&1; do
  if ! kill -0 "$pid" 2>/dev/null; then cat "$tmp/run.log"; echo "make run exited" >&2; exit 1; fi
  sleep 0.2
done
end=$(date +%s.%N)
printf 'make run, fresh clone to /healthz: %.1f s\n' "$(echo "$end - $start" | bc)"
kill -- -"$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
pid=
start=$(date +%s.%N)
make install-dev "$@" > "$tmp/dev.log" 2>&1 || { cat "$tmp/dev.log"; exit 1; }
end=$(date +%s.%N)
printf 'make install-dev (the install part of make test), after make run: %.1f s\n' "$(echo "$end - $start" | bc)"
