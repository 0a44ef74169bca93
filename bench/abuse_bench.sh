#!/usr/bin/env bash
# Abuse test (issue 11 item 4): how much a flood of registrations and failed logins, each an
# Argon2id hash (64 MiB, ~80 ms of a core), slows an unrelated signed-in request.
# GET /api/v1/me with a Bearer token is measured with wrk (p50/p99), first alone, then while
# two more wrk processes hammer POST /api/v1/auth/register (a new valid email per request,
# abuse_register.lua) and POST /api/v1/auth/login (a wrong password for an existing account,
# abuse_login.lua) for the whole measurement:
#   one address  the default limits (all the flood comes from 127.0.0.1)
#   botnet       per-IP (and the login per-email) limits lifted to 1,000,000 through the
#                environment, as if the flood came from many addresses: only the
#                password-hashing gate (auth.password_hash_*) stands
#   control      (before the botnet run, same server) the same hammers with bodies refused
#                before any hashing (a too-short password, a malformed email): what the flood
#                costs without Argon2id
# Each server's /me is measured unloaded first; loaded runs are compared with that. Prints a
# Markdown table for docs/PERFORMANCE.md. Bar: /me p99 under a flood <= 3x unloaded.
#   bench/abuse_bench.sh [build/release/src/app/vitrina]
# Env: DURATION (10, seconds of each /me measurement), ME_CONNECTIONS (4), THREADS (2, of the
# /me wrk), HAMMER_CONNECTIONS (32 per hammer, one wrk thread each), WARMUP (1, seconds the
# hammers run before the measurement), HAMMER_NICE (0; 19 leaves the hammers only the CPU the
# server does not use, roughly as if they ran on other machines). VITRINA_* settings in the
# environment reach both servers, e.g. VITRINA_PASSWORD_HASH_CONCURRENCY=2.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/release/src/app/vitrina}
DURATION=${DURATION:-10}
ME_CONNECTIONS=${ME_CONNECTIONS:-4}
THREADS=${THREADS:-2}
HAMMER_CONNECTIONS=${HAMMER_CONNECTIONS:-32}
WARMUP=${WARMUP:-1}
HAMMER_NICE=${HAMMER_NICE:-0}
command -v wrk >/dev/null || { echo "needs wrk (scripts/install-deps --bench installs it)" >&2; exit 1; }
[ -x "$BIN" ] || { echo "no server binary at $BIN (make build)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/vitrina-abuse-XXXXXX)
VPID=
HAMMER_PIDS=()
cleanup() {
  for pid in "${HAMMER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ -n "$VPID" ]; then kill "$VPID" 2>/dev/null || true; wait "$VPID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

start_server() {  # name [VAR=value...]: a fresh server on free ports with its own data dir
  local name=$1; shift
  PORT=$(free_port)
  mkdir -p "$WORK/$name"
  # Access logs off (warn) as in wrk_vs_nginx.sh; the embedded Janus on free ports so that
  # other servers on this machine do not collide with it.
  env "$@" VITRINA_LOG_LEVEL=warn \
    VITRINA_MEDIA_JANUS_HTTP_PORT="$(free_port)" VITRINA_MEDIA_JANUS_WS_PORT="$(free_port)" \
    "$BIN" serve --port "$PORT" --data-dir "$WORK/$name/data" >"$WORK/$name/server.log" 2>&1 &
  VPID=$!
  for _ in $(seq 300); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && return 0; sleep 0.1; done
  echo "server $name did not become ready; its log:" >&2; cat "$WORK/$name/server.log" >&2; exit 1
}
stop_server() { kill "$VPID" 2>/dev/null || true; wait "$VPID" 2>/dev/null || true; VPID=; }

EMAIL=victim@abuse.test
register_victim() {
  TOKEN=$(curl -fs -X POST "http://127.0.0.1:$PORT/api/v1/auth/register" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"correct-horse-battery\",\"display_name\":\"Victim\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  curl -fs "http://127.0.0.1:$PORT/api/v1/me" -H "Authorization: Bearer $TOKEN" >/dev/null
}

to_ms() { python3 -c "
import re,sys; m=re.fullmatch(r'([0-9.]+)(us|ms|s|m)', '$1')
print(float(m[1]) * {'us': 0.001, 'ms': 1, 's': 1000, 'm': 60000}[m[2]])"; }

measure_me() {  # -> ME_P50 ME_P99 ME_RPS ME_BAD
  local out
  out=$(wrk -t"$THREADS" -c"$ME_CONNECTIONS" -d"${DURATION}s" --latency \
    -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/me")
  ME_P50=$(awk '$1=="50%" {print $2}' <<<"$out")
  ME_P99=$(awk '$1=="99%" {print $2}' <<<"$out")
  ME_RPS=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
  ME_BAD=$(errors_of <<<"$out")
}

errors_of() {  # wrk output on stdin -> e.g. "12 non-2xx, 4 timeout" (empty when clean)
  awk '/Non-2xx/ {out = $NF " non-2xx"}
       /Socket errors/ {gsub(/,/, ""); for (i = 3; i < NF; i += 2) if ($(i + 1) > 0) out = out (out ? ", " : "") $(i + 1) " " $i}
       END {print out}'
}

start_hammers() {  # run-name [cheap]: both floods in the background, longer than any measurement
  local run=$1 cheap=${2:-0}
  ABUSE_CHEAP=$cheap ABUSE_TAG="$run-$$" nice -n "$HAMMER_NICE" wrk -t1 -c"$HAMMER_CONNECTIONS" -d1h --timeout 10s -s bench/abuse_register.lua \
    "http://127.0.0.1:$PORT/api/v1/auth/register" >"$WORK/$run-register.out" 2>&1 &
  HAMMER_PIDS+=($!)
  ABUSE_CHEAP=$cheap ABUSE_EMAIL=$EMAIL nice -n "$HAMMER_NICE" wrk -t1 -c"$HAMMER_CONNECTIONS" -d1h --timeout 10s -s bench/abuse_login.lua \
    "http://127.0.0.1:$PORT/api/v1/auth/login" >"$WORK/$run-login.out" 2>&1 &
  HAMMER_PIDS+=($!)
}

stop_hammers() {  # SIGINT: wrk stops, prints its summary and runs done()
  for pid in "${HAMMER_PIDS[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
  for pid in "${HAMMER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  HAMMER_PIDS=()
}

hammer_summary() {  # run name -> "register N/s, login N/s|register: 201=…; login: …"
  local run=$1 rates=() counts=() f rps st errs
  for f in register login; do
    rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$WORK/$run-$f.out")
    st=$(awk '/^STATUSES/ {$1=""; sub(/^ /, ""); print}' "$WORK/$run-$f.out")
    errs=$(awk '/Socket errors/' "$WORK/$run-$f.out" | errors_of)
    rates+=("$f ${rps:-?}/s")
    counts+=("$f: ${st:-none}${errs:+ ($errs)}")
  done
  printf '%s, %s|%s; %s\n' "${rates[0]}" "${rates[1]}" "${counts[0]}" "${counts[1]}"
}

ROWS=()
row() {  # label hammer-summary: the /me figures just measured, against this server's unloaded p99
  ROWS+=("$1|$ME_P50|$ME_P99|$ME_RPS|$ME_BAD|$UNLOADED_P99|$2")
}

unloaded_run() {
  measure_me
  UNLOADED_P99=$ME_P99
  row "$1" "—|—"
}

loaded_run() {  # run-name label [cheap]
  start_hammers "$1" "${3:-0}"
  sleep "$WARMUP"
  measure_me
  stop_hammers
  row "$2" "$(hammer_summary "$1")"
}

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
# The default limits: the flood comes from one address.
start_server defaults
register_victim
unloaded_run "unloaded (default limits)"
loaded_run one-address "loaded, one address (default limits)"
stop_server

# The limits that count per address (and the login one per email) out of the way. Each loaded
# run is compared with the unloaded run on its own server, just before it. The control goes
# first: it leaves no queued hashing work behind for the botnet run to inherit.
LIFT=(VITRINA_REGISTER_MAX_PER_IP=1000000 VITRINA_REGISTER_MAX_TAKEN_PER_IP=1000000
      VITRINA_LOGIN_MAX_FAILURES_PER_IP=1000000 VITRINA_LOGIN_MAX_FAILURES_PER_EMAIL=1000000)
start_server botnet "${LIFT[@]}"
register_victim
unloaded_run "unloaded (limits lifted)"
loaded_run control "control: limits lifted, bodies refused before hashing" 1
loaded_run botnet "loaded, botnet (per-IP and per-email limits 1,000,000)"
stop_server

WORKERS=${VITRINA_WORKERS:-$((2 * $(nproc)))}
echo "GET /api/v1/me: wrk -t$THREADS -c$ME_CONNECTIONS -d${DURATION}s --latency;" \
  "hammers: 2 x wrk -t1 -c$HAMMER_CONNECTIONS (register, login, nice $HAMMER_NICE) from ${WARMUP}s before to the end of it."
echo "$(nproc) cores (load average at the start: $LOAD), $WORKERS request workers, password_hash_concurrency=${VITRINA_PASSWORD_HASH_CONCURRENCY:-default}," \
  "password_hash_queue=${VITRINA_PASSWORD_HASH_QUEUE:-default}, password_hash_wait_ms=${VITRINA_PASSWORD_HASH_WAIT_MS:-1000}; $(date -u +%F)"
echo
echo "| run | /me p50 | /me p99 | p99 vs unloaded | /me req/s | hammer req/s | hammer responses by status |"
echo "|---|---|---|---|---|---|---|"
FAILED=0
for r in "${ROWS[@]}"; do
  IFS='|' read -r name p50 p99 rps bad base hrate hcounts <<<"$r"
  # A /me run with errors or no responses at all fails whatever its percentiles say.
  if [ -z "$bad" ] && [ "${rps:-0}" -gt 0 ]; then
    ratio=$(python3 -c "print(f'{$(to_ms "$p99") / $(to_ms "$base"):.1f}×')")
    within=$(python3 -c "print(int($(to_ms "$p99") <= 3 * $(to_ms "$base")))")
  else
    ratio="—"; within=0
  fi
  echo "| $name | $p50 | $p99 | $ratio | $rps${bad:+ ($bad)} | $hrate | $hcounts |"
  # The bar is for the floods; the control only explains them.
  if [[ $name == loaded* && $within == 0 ]]; then FAILED=1; fi
done
echo
if [ "$FAILED" = 0 ]; then echo "bar met: /me p99 under both floods within 3× unloaded"
else echo "bar NOT met: /me p99 under a flood above 3× unloaded"; fi
