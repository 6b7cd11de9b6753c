#!/usr/bin/env bash
# Starts Kluis the way a newcomer does (no DATABASE_URL), asks for demo data with a dev token,
# and stops it with SIGTERM. Uses a fresh data directory and its own port.
set -euo pipefail
cd "$(dirname "$0")/.."
data=$(mktemp -d)
# As root, embedded-postgres runs the server as a `postgres` system user: it must reach the data dir.
chmod 755 "$data"
port=4711
log=$(mktemp)
export KLUIS_DATA_DIR="$data" PORT=$port
unset DATABASE_URL
started=$(date +%s%N)
npm start >"$log" 2>&1 &
pid=$!
cleanup() { kill -TERM "$pid" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; echo "npm start exited"; exit 1; }
  sleep 0.5
done
echo "ready after $(( ($(date +%s%N) - started) / 1000000 )) ms (including the build)"
token=$(node dist/scripts/token.js --role care_worker)
body=$(curl -fs "http://127.0.0.1:$port/graphql" -H "authorization: Bearer $token" -H 'content-type: application/json' \
  -d '{"query":"{ dossiers(first: 10) { edges { node { subject { firstName } } } } }"}')
echo "$body"
for name in Noah Emma Daan; do
  grep -q "\"$name\"" <<<"$body" || { echo "demo subject $name missing"; cat "$log"; exit 1; }
done
kill -TERM "$pid"
for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
if kill -0 "$pid" 2>/dev/null; then echo "server did not stop on SIGTERM"; exit 1; fi
grep -q '"msg":"stopped"' "$log" || { cat "$log"; echo "no clean stop"; exit 1; }
echo "smoke: ok (demo data served, clean SIGTERM stop)"
