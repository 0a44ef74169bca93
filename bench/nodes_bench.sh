#!/usr/bin/env bash
# Several nodes (issue 14): message POST throughput and latency with wrk at 64 connections for
#   (a) one server on SQLite,
#   (b) one server on PostgreSQL,
#   (b') the same server behind nginx (upstream of one: the proxy's own cost),
#   (c) two server processes on one PostgreSQL database behind nginx (round robin, keep-alive
#       connections to the upstreams).
# PostgreSQL is a throwaway cluster (scripts/pg-test-cluster: Unix socket, fsync=off); each
# server has its own --data-dir, port and embedded-Janus ports. Builds nothing. Prints a
# Markdown table for docs/PERFORMANCE.md.
#   bench/nodes_bench.sh [build/release/src/app/vitrina]
# Env: CONNECTIONS (64), DURATION (10s), WARMUP (3s), THREADS (2), CONVERSATIONS (64),
#      SCRIPT (post_messages_spread.lua: CONVERSATIONS conversations round robin;
#      post_message.lua: every request to one conversation, as bench/wrk_vs_nginx.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-build/release/src/app/vitrina}")
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-3s}
THREADS=${THREADS:-2}
CONVERSATIONS=${CONVERSATIONS:-64}
SCRIPT=${SCRIPT:-post_messages_spread.lua}
command -v wrk >/dev/null && command -v nginx >/dev/null || {
  echo "needs wrk and nginx (scripts/install-deps installs them)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/vitrina-nodes-XXXXXX)
chmod 755 "$WORK"
cleanup() {
  for f in "$WORK"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  sleep 1
  scripts/pg-test-cluster stop "$WORK/pg" >/dev/null 2>&1 || true
  [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

scripts/pg-test-cluster start "$WORK/pg" >&2
PG_URL=$(cat "$WORK/pg/url")

# start_server NAME DRIVER: prints the port once /readyz answers. Access logs off (warn), as in
# bench/wrk_vs_nginx.sh.
start_server() {
  local name=$1 driver=$2 port
  port=$(free_port)
  local url=""
  [ "$driver" = postgres ] && url=$PG_URL
  env VITRINA_LOG_LEVEL=warn VITRINA_DB_DRIVER="$driver" VITRINA_DB_URL="$url" \
    VITRINA_MEDIA_JANUS_HTTP_PORT="$(free_port)" VITRINA_MEDIA_JANUS_WS_PORT="$(free_port)" \
    "$BIN" serve --port "$port" --data-dir "$WORK/$name" >"$WORK/$name.log" 2>&1 &
  echo "$!" >"$WORK/$name.pid"
  for _ in $(seq 300); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && { echo "$port"; return; }
    kill -0 "$!" 2>/dev/null || break
    sleep 0.1
  done
  echo "server $name did not become ready:" >&2; tail -20 "$WORK/$name.log" >&2; exit 1
}
stop_server() {  # NAME (started in a subshell: not our child, so poll instead of wait)
  local pid; pid=$(cat "$WORK/$1.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$WORK/$1.pid"
}

# seed PORT: one seller with 8 listings, 8 buyers, each buyer contacts each listing
# (CONVERSATIONS conversations); prints "conversation=token,..." for the wrk script.
seed() {
  local base="http://127.0.0.1:$1"
  python3 - "$base" "$CONVERSATIONS" <<'PY'
import json, sys, urllib.request, uuid
base, want = sys.argv[1], int(sys.argv[2])
def api(method, path, token=None, body=None):
    req = urllib.request.Request(base + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json",
                                          **({"Authorization": "Bearer " + token} if token else {})})
    with urllib.request.urlopen(req) as r:
        return json.load(r)
tag = uuid.uuid4().hex[:8]
def register(who):
    return api("POST", "/api/v1/auth/register", body={"email": f"{who}-{tag}@nodes.test",
               "password": "password123", "display_name": who})["token"]
listings_n = 8
buyers_n = (want + listings_n - 1) // listings_n
seller = register("seller")
listings = [api("POST", "/api/v1/listings", seller, {
    "title": f"Road bike Merida Scultura 400 #{i}", "description": "Size M, 2021, serviced in spring.",
    "price": 65000, "vertical": "goods", "video_call_ready": True,
    "call_hours": {"timezone": "Europe/Moscow", "weekly": [{"day": "mon", "from": "09:00", "to": "21:00"}]}})["id"]
    for i in range(listings_n)]
out = []
for b in range(buyers_n):
    token = register(f"buyer{b}")
    for l in listings:
        if len(out) < want:
            out.append(api("POST", f"/api/v1/listings/{l}/conversations", token)["id"] + "=" + token)
print(",".join(out))
PY
}

# start_nginx NAME PORT UPSTREAM_PORT...: round robin, keep-alive to the upstreams.
start_nginx() {
  local name=$1 port=$2; shift 2
  local servers="" p
  for p in "$@"; do servers+="    server 127.0.0.1:$p;"$'\n'; done
  mkdir -p "$WORK/$name-tmp"
  cat >"$WORK/$name.conf" <<NGINX
worker_processes auto;
pid $WORK/$name.pid;
error_log $WORK/$name-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/$name-tmp; proxy_temp_path $WORK/$name-tmp; fastcgi_temp_path $WORK/$name-tmp;
  uwsgi_temp_path $WORK/$name-tmp; scgi_temp_path $WORK/$name-tmp;
  upstream vitrina {
$servers    keepalive 128;
  }
  server {
    listen 127.0.0.1:$port;
    location / {
      proxy_pass http://vitrina;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$remote_addr;
    }
  }
}
NGINX
  nginx -p "$WORK" -c "$WORK/$name.conf"
  for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && return; sleep 0.1; done
  echo "nginx $name did not come up" >&2; cat "$WORK/$name-error.log" >&2; exit 1
}

run() {  # NAME PORT CONVS
  local name=$1 port=$2 out rps p50 p99 statuses sockerr non2xx url="http://127.0.0.1:$2/" first=${3%%,*}
  # post_message.lua: every request to the first conversation, as its participant.
  [ "$SCRIPT" = post_message.lua ] && url="http://127.0.0.1:$port/api/v1/conversations/${first%%=*}/messages"
  export VITRINA_CONVS=$3 WRK_THREADS=$THREADS VITRINA_TOKEN=${first#*=}
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "bench/$SCRIPT" "$url" >/dev/null
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "bench/$SCRIPT" "$url")
  echo "$out" >"$WORK/wrk-${name//[^a-z0-9]/_}.txt"
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  sockerr=$(awk '/Socket errors/ {sub(/.*Socket errors: /, ""); print}' <<<"$out")
  statuses=$(awk '/^STATUSES/ {sub(/^STATUSES /, ""); print}' <<<"$out")
  printf '%s|%s|%s|%s|%s|%s\n' "$name" "$rps" "$p50" "$p99" "${non2xx:-0}${sockerr:+; sockets: $sockerr}" "$statuses"
  echo "$name: $rps req/s, p50 $p50, p99 $p99, statuses $statuses" >&2
}

ROWS=()
# (a) one server, SQLite
PA=$(start_server sqlite-a sqlite)
CONVS=$(seed "$PA")
ROWS+=("$(run "(a) 1 server, SQLite" "$PA" "$CONVS")")
stop_server sqlite-a

# (b) one server, PostgreSQL; (b') behind nginx
PB=$(start_server pg-a postgres)
CONVS=$(seed "$PB")
ROWS+=("$(run "(b) 1 server, PostgreSQL" "$PB" "$CONVS")")
N1=$(free_port)
start_nginx nginx-one "$N1" "$PB"
ROWS+=("$(run "(b') 1 server, PostgreSQL, behind nginx" "$N1" "$CONVS")")

# (c) two servers on the same database behind nginx (the conversations of (b), new messages)
PC=$(start_server pg-b postgres)
N2=$(free_port)
start_nginx nginx-two "$N2" "$PB" "$PC"
ROWS+=("$(run "(c) 2 servers, PostgreSQL, behind nginx" "$N2" "$CONVS")")

# Errors the servers logged under load (warn and above; access logs are off).
for name in sqlite-a pg-a pg-b; do
  n=$(grep -c '"level":"error"\|level=error\| ERROR ' "$WORK/$name.log" || true)
  echo "server $name: $n error lines in its log" >&2
  grep -m3 '"level":"error"\|level=error\| ERROR ' "$WORK/$name.log" >&2 || true
done
# PostgreSQL's own log: errors by message, and the statements they hit (serialization
# failures are retried by the store and only reach a client after 9 attempts).
PGLOG="$(cat "$WORK/pg/cluster")/server.log"
echo "PostgreSQL server log: $(grep -c ' ERROR: ' "$PGLOG" || true) ERROR lines; by message and statement:" >&2
grep -A3 ' ERROR: ' "$PGLOG" | sed -n 's/.*\(ERROR\|DETAIL\|STATEMENT\): *//p' | cut -c1-160 | sort | uniq -c | sort -rn | head -12 >&2 || true

rps_of() { cut -d'|' -f2 <<<"${ROWS[$1]}"; }
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency (after $WARMUP warm-up), $SCRIPT over $CONVERSATIONS conversations, $(nproc) cores, $(date -u +%F)"
echo
echo "| setup | req/s | p50 | p99 | non-2xx | statuses |"
echo "|---|---|---|---|---|---|"
for row in "${ROWS[@]}"; do
  IFS='|' read -r name rps p50 p99 bad statuses <<<"$row"
  echo "| $name | $rps | $p50 | $p99 | $bad | $statuses |"
done
echo
python3 - "$(rps_of 0)" "$(rps_of 1)" "$(rps_of 2)" "$(rps_of 3)" <<'PY'
import sys
a, b, b2, c = map(float, sys.argv[1:])
print(f"Two servers / one: {c / b2:.2f}x behind nginx ((c)/(b')), {c / b:.2f}x against one server direct ((c)/(b)); "
      f"PostgreSQL / SQLite, one server: {b / a:.2f}x")
PY
