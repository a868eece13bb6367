#!/usr/bin/env bash
# Routing benchmark, on demand (docs/benchmarks.md, "Routing"). Starts its own Deskframe server from the exec jar on
# free ports of 127.0.0.1 (embedded H2 in a temporary data dir by default; --postgres: the local PostgreSQL in a
# schema of its own, dropped afterwards), with a deployment admin client whose secret this script generates and no
# demo data. bench/routing/driver.mjs then sets up an organisation through the admin API (a queue, the agents, an
# OAuth client, a messenger deployment), connects the agents and opens customers' conversations through
# POST /api/v2/guest/sessions + the gateway at each rate. The server is stopped by its JVM's process id at the end.
#
#   bench/routing-bench.sh [--postgres] [driver options: --agents=50 --capacity=20 --customers=1000 --rates=10,50,100
#                          --accept-delay-ms=1000 --warmup=200 --timeout-ms=30000 --agents-thread=worker|main]
#
# Every customer comes from 127.0.0.1 and one page origin, so the guest-session rate limit per origin and address
# (deskframe.guest.sessions-per-minute / session-burst, docs/messenger.md) is raised for this deployment through those
# settings, as an operator would for a load test; every other limit keeps its default.
#
# Environment: JAVA_HOME (default Temurin 25), BENCH_JAR (another exec jar, e.g. one built at an older commit, to
# compare; default: the worktree's, rebuilt when sources are newer), BENCH_XMX (server heap, default 1g), BENCH_PROPS
# (more server properties), BENCH_JAVA_OPTS (more JVM options, e.g. -XX:StartFlightRecording=filename=/tmp/r.jfr).
# BENCH_START_SECONDS: how long to wait for the server to come up (300). With -XX:StartFlightRecording in BENCH_JAVA_OPTS
# the recording is dumped (jcmd JFR.dump) before the server is stopped.
# Results: bench/results/<time>-routing-<db>.json (+ .log with the server's output).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DB=h2
DRIVER_ARGS=()
for arg in "$@"; do
  case "$arg" in
    --postgres) DB=postgres ;;
    --help|-h) sed -n '2,20p' "$0"; exit 0 ;;
    *) DRIVER_ARGS+=("$arg") ;;
  esac
done

export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAR=${BENCH_JAR:-server/target/deskframe-server-0.1.0-SNAPSHOT-exec.jar}
if [ -z "${BENCH_JAR:-}" ] && { [ ! -f "$JAR" ] || [ -n "$(find server/src pom.xml server/pom.xml -newer "$JAR" -print -quit)" ]; }; then
  echo "Building the server..."
  bin/mvn -B -q -DskipTests -pl server -am package
fi
if [ ! -d bench/node_modules/ws ]; then
  (cd bench && npm ci --no-audit --no-fund --silent)
fi

mkdir -p bench/results
STAMP=$(date +%Y%m%d-%H%M%S)
OUT="bench/results/$STAMP-routing-$DB"
DATA=$(mktemp -d /tmp/deskframe-routing-bench.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
# A free port is only free when it is picked: another process may bind it before the server does (seen at a load of
# 40, when start-up takes minutes). The server is then started again on new ports (pick_ports, below), up to 5 times.
pick_ports() {
  PORT=$(free_port)
  GATEWAY_PORT=$(free_port)
  BASE="http://127.0.0.1:$PORT"
  GATEWAY="ws://127.0.0.1:$GATEWAY_PORT/api/v2/stream"
}
pick_ports
ADMIN_ID=bench-admin
ADMIN_SECRET=$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')

PROPS=(
  --server.address=127.0.0.1 --deskframe.gateway.address=127.0.0.1
  --deskframe.identity.data-dir="$DATA"
  --deskframe.identity.secret-key="$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
  --deskframe.identity.bootstrap-admin-client-id="$ADMIN_ID"
  --deskframe.identity.bootstrap-admin-client-secret="$ADMIN_SECRET"
  # All customers share one origin and address here: the documented per-origin-and-address limit, raised.
  --deskframe.guest.sessions-per-minute=600000 --deskframe.guest.session-burst=10000
  --deskframe.demo.enabled=false   # a deployment of its own: only what the driver sets up
  --spring.jmx.enabled=false
)
SCHEMA=""
if [ "$DB" = postgres ]; then
  SCHEMA="routing_bench_$(date +%s)_$$"
  psql -h 127.0.0.1 -U postgres -d test -qc "create schema $SCHEMA" >/dev/null
  PROPS+=(--spring.datasource.url="jdbc:postgresql://127.0.0.1:5432/test?currentSchema=$SCHEMA"
          --spring.datasource.username=postgres --spring.datasource.password=)
fi   # else the embedded default under the data dir, as an operator runs it

SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    # A flight recording is written out first: stopping the JVM by signal may cut it before its last phase.
    if [[ "${BENCH_JAVA_OPTS:-}" == *StartFlightRecording* ]]; then
      # To the recording's own file (without a filename JFR.dump writes hotspot-pid-*.jfr into the working directory).
      jfr_file=$(sed -nE 's/.*StartFlightRecording[^ ]*filename=([^, ]+).*/\1/p' <<<"${BENCH_JAVA_OPTS:-}")
      "$JAVA_HOME/bin/jcmd" "$SERVER_PID" JFR.dump ${jfr_file:+filename="$jfr_file"} >/dev/null 2>&1 \
        || echo "JFR.dump failed (the recording may be cut)"
    fi
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$DATA"
  if [ -n "$SCHEMA" ]; then PGOPTIONS='--client-min-messages=warning' psql -h 127.0.0.1 -U postgres -d test -qc "drop schema $SCHEMA cascade" >/dev/null || true; fi
}
trap cleanup EXIT

start_server() {
  echo "Starting the server on $BASE, gateway port $GATEWAY_PORT ($DB; log: $OUT.log)"
  # Started directly (not through a subshell) so $! is the JVM's own process id.
  # shellcheck disable=SC2086 # BENCH_JAVA_OPTS and BENCH_PROPS are word lists
  "$JAVA_HOME/bin/java" -Xmx"${BENCH_XMX:-1g}" ${BENCH_JAVA_OPTS:-} -jar "$JAR" "${PROPS[@]}" \
    --server.port="$PORT" --deskframe.gateway.port="$GATEWAY_PORT" --deskframe.region.public-url="$BASE" \
    ${BENCH_PROPS:-} >"$OUT.log" 2>&1 &
  SERVER_PID=$!
}
# 0: healthy; 1: exited or never healthy; 2: exited because a port was taken meanwhile.
await_server() {
  # Start-up takes ~10 s on a quiet machine and over 2 minutes at a load average of 40: BENCH_START_SECONDS (default 300).
  for _ in $(seq 1 $(( ${BENCH_START_SECONDS:-300} * 2 ))); do
    # Alive first: a port taken meanwhile may be another server's, whose health would answer.
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      grep -qE 'already in use|BindException' "$OUT.log" && return 2
      echo "server exited; see $OUT.log"; tail -20 "$OUT.log"; return 1
    fi
    if curl -fsS "$BASE/actuator/health" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "server not healthy after ${BENCH_START_SECONDS:-300} s"; return 1
}
for attempt in 1 2 3 4 5; do
  start_server
  status=0; await_server || status=$?
  [ "$status" = 0 ] && break
  [ "$status" = 2 ] && [ "$attempt" -lt 5 ] || exit 1
  echo "a port was taken before the server bound it; again on new ports"
  mv "$OUT.log" "$OUT.log.$attempt"
  pick_ports
done
echo "Server up (JVM pid $SERVER_PID); load average $(cut -d' ' -f1-3 /proc/loadavg)"

timeout 1800 node bench/routing/driver.mjs --base="$BASE" --gateway="$GATEWAY" --pid="$SERVER_PID" \
  --admin-id="$ADMIN_ID" --admin-secret="$ADMIN_SECRET" --out="$OUT.json" "${DRIVER_ARGS[@]}"
echo "Results: $OUT.json"
