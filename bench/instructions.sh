#!/usr/bin/env bash
# User-space instructions per request, from valgrind's cachegrind: a fresh
# `metasim serve` takes 500, then another 2,500 keep-alive requests from one
# client; the difference of the two totals divided by 2,000 leaves start-up,
# set-up and shutdown out. Instruction counts do not depend on what else the
# machine is doing, so two builds compare exactly.
#
# Two requests are measured:
#   get   GET /{phone-number-id}?fields=… on the `default` demo sandbox;
#   send  POST /{phone-number-id}/messages, a text to the demo consumer Alice
#         (15550109999) in a sandbox made as metasim-bench makes it: seed 1,
#         throughput and pair limits off, Alice has written (window open), no
#         app subscribed to webhooks.
#
#   bench/instructions.sh [get|send|all] [path/to/metasim]
#                                  (defaults: all, target/release/metasim)
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
MODE=all
case "${1:-}" in get | send | all) MODE=$1; shift ;; esac
BIN=${1:-target/release/metasim}
command -v valgrind >/dev/null || { echo "needs valgrind" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Total instructions of a server that answered $2 requests of kind $1.
total() {
  local kind=$1 requests=$2
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
  python3 - "$base" "$kind" "$requests" <<'PY' || { kill "$pid"; exit 1; }
import http.client, json, sys, urllib.parse
base, kind, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
url = urllib.parse.urlparse(base)
conn = http.client.HTTPConnection(url.hostname, url.port)

def call(method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request(method, path, body=body, headers=headers)
    answer = conn.getresponse()
    data = answer.read()
    assert 200 <= answer.status < 300, (answer.status, data)
    return data

if kind == "get":
    info = json.loads(call("GET", "/_sim/sandboxes/default"))
    token, phone = info["tokens"]["system_user_token"], info["handles"]["phone_number"]
    method, body = "GET", None
    path = f"/v23.0/{phone}?fields=id,display_phone_number,verified_name,quality_rating,status"
else:
    limits = {"throughput_per_second": 0, "pair_burst": 0, "pair_interval_seconds": 0}
    info = json.loads(call("POST", "/_sim/sandboxes",
                           json.dumps({"id": "bench-send", "seed": 1, "messaging_limits": limits})))
    token, phone = info["tokens"]["system_user_token"], info["handles"]["phone_number"]
    call("POST", "/_sim/sandboxes/bench-send/whatsapp/consumers/15550109999/messages",
         json.dumps({"to": phone, "type": "text", "text": {"body": "Hi"}}))
    method, path = "POST", f"/v23.0/{phone}/messages"
    body = json.dumps({"messaging_product": "whatsapp", "recipient_type": "individual",
                       "to": "15550109999", "type": "text", "text": {"body": "How can we help?"}},
                      separators=(",", ":"))
for _ in range(n):
    call(method, path, body, token)
PY
  kill -TERM "$pid"
  wait "$pid" || true
  awk '/^summary:/ {print $2}' "$work/out"
}

for kind in get send; do
  [ "$MODE" = all ] || [ "$MODE" = "$kind" ] || continue
  few=$(total "$kind" 500)
  many=$(total "$kind" 2500)
  label=$([ "$kind" = get ] && echo "GET-node" || echo "send-message")
  echo "instructions per $label request: $(((many - few) / 2000)) ($BIN)"
done
