#!/usr/bin/env bash
# User-space instructions per request, from valgrind's cachegrind: a fresh
# `metasim serve` takes 500, then another 2,500 keep-alive requests from one
# client; the difference of the two totals divided by 2,000 leaves start-up,
# set-up and shutdown out. Instruction counts do not depend on what else the
# machine is doing, so two builds compare exactly.
#
# Three requests are measured:
#   get     GET /{phone-number-id}?fields=… on the `default` demo sandbox;
#   send    POST /{phone-number-id}/messages, a text to the demo consumer Alice
#           (15550109999) in a sandbox made as metasim-bench makes it: seed 1,
#           throughput and pair limits off, Alice has written (window open), no
#           app subscribed to webhooks;
#   create  POST /_sim/sandboxes {"id": "s{n}", "seed": n}: a demo sandbox, as
#           metasim-bench creates its 10,000 (each request on a new connection
#           there, on the one keep-alive connection here).
#
#   grown   GET /{phone-number-id}?fields=id,verified_name (metasim-bench's
#           growth request) on that send sandbox, once with no message stored
#           and once after 20,000 sends: whether a GET costs more in a fuller
#           sandbox (the sends are made in both totals, so they cancel out).
#           Not part of `all`.
#
#   bench/instructions.sh [get|send|create|grown|all] [path/to/metasim]
#                                  (defaults: all, target/release/metasim)
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
MODE=all
case "${1:-}" in get | send | create | grown | all) MODE=$1; shift ;; esac
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
elif kind == "create":
    method, body, token = "POST", None, None
else:
    kind, _, stored = kind.partition(":")
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
    if kind == "grown":
        for _ in range(int(stored)):
            call(method, path, body, token)
        method, path, body = "GET", f"/v23.0/{phone}?fields=id,verified_name", None
for i in range(n):
    if kind == "create":
        path, body = "/_sim/sandboxes", json.dumps({"id": f"s{i}", "seed": i})
    call(method, path, body, token)
PY
  kill -TERM "$pid"
  wait "$pid" || true
  awk '/^summary:/ {print $2}' "$work/out"
}

if [ "$MODE" = grown ]; then
  for stored in 0 20000; do
    few=$(total "grown:$stored" 500)
    many=$(total "grown:$stored" 2500)
    echo "instructions per GET with $stored messages stored: $(((many - few) / 2000)) ($BIN)"
  done
  exit 0
fi
for kind in get send create; do
  [ "$MODE" = all ] || [ "$MODE" = "$kind" ] || continue
  few=$(total "$kind" 500)
  many=$(total "$kind" 2500)
  case $kind in get) label=GET-node ;; send) label=send-message ;; *) label=create-sandbox ;; esac
  echo "instructions per $label request: $(((many - few) / 2000)) ($BIN)"
done
