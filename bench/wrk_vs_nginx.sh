#!/usr/bin/env bash
# Load test of the release server with wrk, side by side with nginx serving the same listing
# JSON as a static file on this machine. Prints a Markdown table for docs/PERFORMANCE.md.
#   bench/wrk_vs_nginx.sh [build/release/src/app/vitrina]
# Env: CONNECTIONS (64), DURATION (10s), THREADS (2).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/release/src/app/vitrina}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
command -v wrk >/dev/null && command -v nginx >/dev/null || {
  echo "needs wrk and nginx (scripts/install-deps installs them)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/vitrina-wrk-XXXXXX)
chmod 755 "$WORK"  # nginx workers (www-data) read the static file
VPORT=18181
NPORT=18182
cleanup() {
  [ -n "${VPID:-}" ] && kill "$VPID" 2>/dev/null && wait "$VPID" 2>/dev/null || true
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# Access logs off for a like-for-like comparison with nginx's `access_log off`.
VITRINA_LOG_LEVEL=warn "$BIN" serve --port "$VPORT" --data-dir "$WORK/data" >"$WORK/server.log" 2>&1 &
VPID=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$VPORT/readyz" >/dev/null && break; sleep 0.1; done

api() { curl -fs -X "$1" "http://127.0.0.1:$VPORT$2" -H 'Content-Type: application/json' ${3:+-H "Authorization: Bearer $3"} ${4:+-d "$4"}; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
SELLER=$(api POST /api/v1/auth/register "" '{"email":"seller@wrk.test","password":"password123","display_name":"Seller"}' | json "['token']")
BUYER=$(api POST /api/v1/auth/register "" '{"email":"buyer@wrk.test","password":"password123","display_name":"Buyer"}' | json "['token']")
LISTING=$(api POST /api/v1/listings "$SELLER" '{"title":"Road bike Merida Scultura 400","description":"Size M, 2021, serviced in spring. Can show it on a video call.","price":65000,"vertical":"goods","video_call_ready":true,"call_hours":{"timezone":"Europe/Moscow","weekly":[{"day":"mon","from":"09:00","to":"21:00"},{"day":"sat","from":"10:00","to":"16:00"}]}}' | json "['id']")
CONV=$(api POST "/api/v1/listings/$LISTING/conversations" "$BUYER" | json "['id']")

mkdir -p "$WORK/www"
api GET "/api/v1/listings/$LISTING" >"$WORK/www/listing.json"
chmod -R a+rX "$WORK/www"
cat >"$WORK/nginx.conf" <<NGINX
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp; fastcgi_temp_path $WORK/tmp;
  uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
  server { listen 127.0.0.1:$NPORT; root $WORK/www; }
}
NGINX
mkdir -p "$WORK/tmp"
nginx -c "$WORK/nginx.conf"
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$NPORT/listing.json" >/dev/null && break; sleep 0.1; done

run() {  # name url [script]
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency ${3:+-s "$3"} "$2")
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  printf '%s|%s|%s|%s|%s\n' "$1" "$rps" "$p50" "$p99" "${non2xx:-0}"
}

NGINX_ROW=$(run "nginx: static listing.json" "http://127.0.0.1:$NPORT/listing.json")
GET_ROW=$(run "vitrina: GET /api/v1/listings/{id}" "http://127.0.0.1:$VPORT/api/v1/listings/$LISTING")
POST_ROW=$(VITRINA_TOKEN=$BUYER run "vitrina: POST /api/v1/conversations/{id}/messages" \
  "http://127.0.0.1:$VPORT/api/v1/conversations/$CONV/messages" bench/post_message.lua)

NGINX_RPS=$(cut -d'|' -f2 <<<"$NGINX_ROW")
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $(nproc) cores, $(date -u +%F)"
echo
echo "| target | req/s | p50 | p99 | non-2xx | vs nginx |"
echo "|---|---|---|---|---|---|"
for row in "$NGINX_ROW" "$GET_ROW" "$POST_ROW"; do
  IFS='|' read -r name rps p50 p99 bad <<<"$row"
  ratio=$(python3 -c "print(f'{$rps/$NGINX_RPS:.2f}')")
  echo "| $name | $rps | $p50 | $p99 | $bad | $ratio |"
done
