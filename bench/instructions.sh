#!/usr/bin/env bash
# User-space instructions per `GET /{phone-number-id}?fields=…` request, from
# valgrind's cachegrind: a fresh `metasim serve` takes 500, then another
# 2,500 keep-alive requests from one client; the difference of the two totals
# divided by 2,000 leaves start-up and shutdown out. Instruction counts do not
# depend on what else the machine is doing, so two builds compare exactly.
#
#   bench/instructions.sh [path/to/metasim]    (default: target/release/metasim)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/metasim}
command -v valgrind >/dev/null || { echo "needs valgrind" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Total instructions of a server that answered $1 requests.
total() {
  local requests=$1
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file="$work/out" \
    "$BIN" serve --port 0 --quiet >"$work/serve.log" 2>"$work/valgrind.log" &
  local pid=$!
  local base=""
  for _ in $(seq 1 300); do
    base=$(sed -n 's/^metasim ready at \(http[^ ]*\).*/\1/p' "$work/serve.log")
    [ -n "$base" ] && break
    sleep 0.2
  done
  [ -n "$base" ] || { echo "metasim did not start" >&2; kill "$pid"; exit 1; }
  python3 - "$base" "$requests" <<'PY'
import http.client, json, sys, urllib.parse
base, n = sys.argv[1], int(sys.argv[2])
url = urllib.parse.urlparse(base)
conn = http.client.HTTPConnection(url.hostname, url.port)
conn.request("GET", "/_sim/sandboxes/default")
info = json.loads(conn.getresponse().read())
token, phone = info["tokens"]["system_user_token"], info["handles"]["phone_number"]
path = f"/v23.0/{phone}?fields=id,display_phone_number,verified_name,quality_rating,status"
for _ in range(n):
    conn.request("GET", path, headers={"Authorization": "Bearer " + token})
    answer = conn.getresponse()
    answer.read()
    assert answer.status == 200, answer.status
PY
  kill -TERM "$pid"
  wait "$pid" || true
  awk '/^summary:/ {print $2}' "$work/out"
}

few=$(total 500)
many=$(total 2500)
echo "instructions per GET-node request: $(((many - few) / 2000)) ($BIN)"
