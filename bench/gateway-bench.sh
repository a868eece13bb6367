#!/usr/bin/env bash
# Gateway load benchmarks, on demand. Starts its own Deskframe server (the exec jar, H2 in a temporary data dir, demo
# data, the bench-only echo endpoint on) on a free port of 127.0.0.1, runs one scenario of bench/gateway/driver.mjs
# against it, stops the server by its JVM's process id and removes the data dir. Every scenario is bounded.
#
#   bench/gateway-bench.sh handshake  [driver options]   handshakes/s and p50/p99, gateway vs. bare echo
#   bench/gateway-bench.sh latency    [driver options]   message latency at 200 and 1000 msg/s, gateway vs. echo
#                                     --baseline=socketio  also vs. an in-memory Socket.IO 4 relay (socketio-relay.mjs)
#   bench/gateway-bench.sh idle       [driver options]   heap/RSS/CPU per idle authenticated session at 10k and 19.5k
#   bench/gateway-bench.sh idle-echo  [driver options]   the same for the bare echo endpoint (the stack's floor)
#   bench/gateway-bench.sh idle-socketio [driver options] the same for the Socket.IO relay (its Node process; no JVM)
#   bench/gateway-bench.sh slowloris  [driver options]   20,000 hostile slow connections from 2 processes: health p50/p99
#                                                         and a normal client's handshake time before, during and after
#
# Environment: JAVA_HOME (default Temurin 25), BENCH_JAR (another exec jar, e.g. a copy built from an older commit, to
# compare; default: the worktree's, rebuilt when sources are newer), BENCH_XMX (server heap, default 4g, as in shared/STACK.md),
# BENCH_DB=postgres to run the server on the local PostgreSQL (127.0.0.1:5432/test, a schema of its own, dropped after),
# BENCH_PROPS (more server properties, e.g. "--deskframe.gateway.max-connections=2000"), BENCH_JAVA_OPTS (more JVM options),
# BENCH_RUN (a suffix for the result files, so that runs started in the same second do not share them; gateway-nodes.sh),
# BENCH_TIMEOUT (seconds the driver may take, default 1500; a 10-minute hold on a loaded machine needs more).
# Results: bench/results/<time>-<scenario>.json (+ .log with the server's output, + heap histograms for idle).
# The Socket.IO relay, when a run uses it, is a Node process of its own on another free port, started and stopped by its
# pid like the server (its output: <time>-<scenario>-relay.log).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SCENARIO=${1:-}
shift || true
case "$SCENARIO" in
  handshake|latency|idle|idle-echo|idle-socketio|slowloris) ;;
  *) sed -n '2,18p' "$0"; exit 2 ;;
esac

export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAR=${BENCH_JAR:-server/target/deskframe-server-0.1.0-SNAPSHOT-exec.jar}
# The echo baseline is not part of the platform: only its class is put on the server's class path (loader.path).
ECHO_JAR=bench/target/deskframe-bench-0.1.0-SNAPSHOT-echo.jar
# Whether the run uses the Socket.IO relay, and whether it needs the Deskframe server at all.
RELAY=""
for a in "$@"; do [ "$a" = --baseline=socketio ] && RELAY=yes; done
NEEDS_SERVER=yes
[ "$SCENARIO" = idle-socketio ] && { RELAY=yes; NEEDS_SERVER=""; }
if [ -n "$NEEDS_SERVER" ] && { { [ -z "${BENCH_JAR:-}" ] && { [ ! -f "$JAR" ] || [ -n "$(find server/src pom.xml server/pom.xml -newer "$JAR" -print -quit)" ]; }; } \
    || [ ! -f "$ECHO_JAR" ] || [ -n "$(find bench/src bench/pom.xml -newer "$ECHO_JAR" -print -quit)" ]; }; then
  echo "Building the server and the echo endpoint..."
  bin/mvn -B -q -DskipTests -pl server,bench -am package
fi
if [ ! -d bench/node_modules/ws ] || [ ! -d bench/node_modules/socket.io ]; then
  (cd bench && npm ci --no-audit --no-fund --silent)
fi

mkdir -p bench/results
STAMP=$(date +%Y%m%d-%H%M%S)
OUT="bench/results/$STAMP-$SCENARIO${BENCH_RUN:+-$BENCH_RUN}"   # BENCH_RUN: a name for runs started side by side
DATA=$(mktemp -d /tmp/deskframe-bench.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
GATEWAY_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
BASE="http://127.0.0.1:$PORT"
GATEWAY="ws://127.0.0.1:$GATEWAY_PORT/api/v2/stream"

PROPS=(
  --server.port="$PORT" --server.address=127.0.0.1
  --deskframe.gateway.port="$GATEWAY_PORT" --deskframe.gateway.address=127.0.0.1
  --deskframe.region.public-url="$BASE"
  --deskframe.identity.data-dir="$DATA"
  --deskframe.identity.secret-key=bench-secret-key-0123456789abcdef-0123456789
  --deskframe.demo.enabled=true
  --deskframe.bench.echo-endpoint=true   # builds before the echo left the server (BENCH_JAR) mount theirs with this
  --spring.jmx.enabled=false
)
SCHEMA=""
if [ "${BENCH_DB:-h2}" = postgres ]; then
  SCHEMA="bench_$(date +%s)_$$"
  psql -h 127.0.0.1 -U postgres -d test -qc "create schema $SCHEMA" >/dev/null
  PROPS+=(--spring.datasource.url="jdbc:postgresql://127.0.0.1:5432/test?currentSchema=$SCHEMA"
          --spring.datasource.username=postgres --spring.datasource.password=)
fi   # else the embedded default under the data dir, as an operator runs it
DRIVER=()
case "$SCENARIO" in
  handshake)
    # Handshakes come from two agents at up to 32 at a time: lift the per-agent connection limit.
    PROPS+=(--deskframe.gateway.max-connections-per-agent=100000) ;;
  latency)
    # The defaults (50 sends/s per agent, 50 frames/s per connection) would refuse the load itself.
    PROPS+=(--deskframe.gateway.sends-per-second-per-agent=100000 --deskframe.gateway.frames-per-second=100000) ;;
  idle)
    DRIVER=(--target=gateway) ;;
  idle-echo)
    DRIVER=(--target=echo) ;;
  idle-socketio)
    DRIVER=(--target=socketio) ;;   # --pid and --socketio: the relay's, below
  slowloris)
    # Every gateway default (the point is what they do); the hostile side needs the 127.0.0.2/127.0.0.3 source addresses.
    ;;
esac

SERVER_PID=""
RELAY_PID=""
cleanup() {
  if [ -n "$RELAY_PID" ] && kill -0 "$RELAY_PID" 2>/dev/null; then
    kill "$RELAY_PID" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$RELAY_PID" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$RELAY_PID" 2>/dev/null || true
  fi
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$DATA"
  if [ -n "$SCHEMA" ]; then PGOPTIONS='--client-min-messages=warning' psql -h 127.0.0.1 -U postgres -d test -qc "drop schema $SCHEMA cascade" >/dev/null || true; fi
}
trap cleanup EXIT

if [ -n "$RELAY" ]; then
  RELAY_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  RELAY_URL="http://127.0.0.1:$RELAY_PORT"
  # Started directly so $! is node's own pid; --expose-gc lets the idle scenario weigh its live heap after a full GC.
  node --expose-gc bench/gateway/socketio-relay.mjs --port="$RELAY_PORT" --max-seconds=1800 >"$OUT-relay.log" 2>&1 &
  RELAY_PID=$!
  for _ in $(seq 1 40); do curl -fsS "$RELAY_URL/bench/memory" >/dev/null 2>&1 && break; sleep 0.25; done
  curl -fsS "$RELAY_URL/bench/memory" >/dev/null || { echo "relay not up; see $OUT-relay.log"; exit 1; }
  echo "Socket.IO relay up on $RELAY_URL (node pid $RELAY_PID)"
  DRIVER+=(--socketio="$RELAY_URL" --relay-pid="$RELAY_PID")
  [ "$SCENARIO" = idle-socketio ] && DRIVER+=(--pid="$RELAY_PID")
fi

if [ -z "$NEEDS_SERVER" ]; then
  timeout "${BENCH_TIMEOUT:-1500}" node bench/gateway/driver.mjs idle --out="$OUT.json" "${DRIVER[@]}" "$@"
  echo "Results: $OUT.json"
  exit 0
fi

echo "Starting the server on $BASE (log: $OUT.log)"
# Started directly (not through a subshell) so $! is the JVM's own process id.
# MaxHeapFreeRatio=100: the full GCs the idle scenario forces (to weigh live objects) must not shrink the heap, or RSS
# would drop by whatever G1 gives back and "RSS per connection" would say nothing.
# shellcheck disable=SC2086 # BENCH_JAVA_OPTS and BENCH_PROPS are word lists
"$JAVA_HOME/bin/java" -Xmx"${BENCH_XMX:-4g}" -XX:MaxHeapFreeRatio=100 -Dloader.path="$ROOT/$ECHO_JAR" ${BENCH_JAVA_OPTS:-} -jar "$JAR" "${PROPS[@]}" ${BENCH_PROPS:-} >"$OUT.log" 2>&1 &
SERVER_PID=$!
# Generous: with other builds on the 2 cores a plain jar has taken over 90 s to start here (docs/benchmarks.md).
for _ in $(seq 1 480); do
  if curl -fsS "$BASE/actuator/health" >/dev/null 2>&1; then break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited; see $OUT.log"; tail -20 "$OUT.log"; exit 1; }
  sleep 0.5
done
curl -fsS "$BASE/actuator/health" >/dev/null || { echo "server not healthy after 240 s"; exit 1; }
echo "Server up (JVM pid $SERVER_PID, open-file limit $(awk '/Max open files/ {print $4}' /proc/$SERVER_PID/limits))"

DRIVER_SCENARIO=$SCENARIO
case "$SCENARIO" in idle-*) DRIVER_SCENARIO=idle ;; esac
timeout "${BENCH_TIMEOUT:-1500}" node bench/gateway/driver.mjs "$DRIVER_SCENARIO" --base="$BASE" --gateway="$GATEWAY" --pid="$SERVER_PID" --out="$OUT.json" "${DRIVER[@]}" "$@"
echo "Results: $OUT.json"
