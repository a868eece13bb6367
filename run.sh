#!/usr/bin/env bash
# Starts Deskframe (embedded H2 under ./data, demo data) and the example agent desktop together, building both first
# if needed. The desktop runs in the background (log: logs/agent-desktop.log) and is stopped when the platform stops.
# Honours SERVER_PORT (default 8080), DESKFRAME_GATEWAY_PORT (the widgets' WebSocket gateway, default 8090), DESKTOP_PORT
# (default 8081) and every Spring property as an environment variable; arguments are passed to the platform.
set -euo pipefail
cd "$(dirname "$0")"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
[ -x "$JAVA_HOME/bin/java" ] || export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
JAVA="$JAVA_HOME/bin/java"

SERVER_PORT="${SERVER_PORT:-8080}"
DESKTOP_PORT="${DESKTOP_PORT:-8081}"
export SERVER_PORT DESKTOP_PORT
PLATFORM_URL="${DESKFRAME_REGION_PUBLIC_URL:-http://localhost:$SERVER_PORT}"
DESKTOP_URL="${DESKTOP_PUBLIC_URL:-http://localhost:$DESKTOP_PORT}"
# The platform allows the desktop's origin to embed the demo client's widgets; the desktop talks to this platform
# (its public URL, which is the token issuer the page's EmbeddingClient compares env with).
export DESKFRAME_DEMO_DESKTOPURL="${DESKFRAME_DEMO_DESKTOPURL:-$DESKTOP_URL}"
export DESKFRAME_ENV="${DESKFRAME_ENV:-$PLATFORM_URL}"

SERVER_JAR=server/target/deskframe-server-0.1.0-SNAPSHOT-exec.jar
DESKTOP_JAR=examples/agent-desktop/target/agent-desktop.jar
SOURCES=(pom.xml server/pom.xml server/src token-broker/pom.xml token-broker/src examples/agent-desktop/pom.xml examples/agent-desktop/src)
stale() { [ ! -f "$1" ] || [ -n "$(find "${SOURCES[@]}" -newer "$1" -print -quit)" ]; }
if stale "$SERVER_JAR" || stale "$DESKTOP_JAR"; then
  echo "Building Deskframe and the example agent desktop..."
  mvn -B -q -DskipTests -pl server,examples/agent-desktop -am package
fi

mkdir -p logs data
DESKTOP_LOG=logs/agent-desktop.log
DESKTOP_PID_FILE=data/agent-desktop.pid

# A desktop left over from a run that was killed hard: stop it, but only if that process really is our desktop.
if [ -f "$DESKTOP_PID_FILE" ]; then
  old=$(cat "$DESKTOP_PID_FILE")
  if [ -n "$old" ] && tr '\0' ' ' < "/proc/$old/cmdline" 2>/dev/null | grep -q "agent-desktop.jar"; then
    kill "$old" 2>/dev/null || true
  fi
  rm -f "$DESKTOP_PID_FILE"
fi

# $! is the JVM itself (java is started directly, not through a subshell), so the stop below reaches it.
"$JAVA" -XX:TieredStopAtLevel=1 -Xshare:auto -jar "$DESKTOP_JAR" >"$DESKTOP_LOG" 2>&1 &
DESKTOP_PID=$!
echo "$DESKTOP_PID" >"$DESKTOP_PID_FILE"
PLATFORM_PID=

stop_all() {
  trap - EXIT INT TERM
  if [ -n "$PLATFORM_PID" ] && kill -0 "$PLATFORM_PID" 2>/dev/null; then
    kill -TERM "$PLATFORM_PID" 2>/dev/null || true
    wait "$PLATFORM_PID" 2>/dev/null || true
  fi
  if kill -0 "$DESKTOP_PID" 2>/dev/null; then
    kill -TERM "$DESKTOP_PID" 2>/dev/null || true
    wait "$DESKTOP_PID" 2>/dev/null || true
  fi
  rm -f "$DESKTOP_PID_FILE"
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap stop_all EXIT

for _ in $(seq 1 50); do
  curl -fsS -o /dev/null "http://127.0.0.1:$DESKTOP_PORT/healthz" 2>/dev/null && break
  kill -0 "$DESKTOP_PID" 2>/dev/null || break
  sleep 0.2
done
if ! kill -0 "$DESKTOP_PID" 2>/dev/null; then
  echo "WARNING: the example desktop did not start (is port $DESKTOP_PORT free? set DESKTOP_PORT). Its log:" >&2
  tail -n 20 "$DESKTOP_LOG" >&2 || true
fi

cat <<EOF

  Deskframe platform:     $PLATFORM_URL   (starting; it prints its own summary when ready)
  Widget gateway:         ws://<platform host>:${DESKFRAME_GATEWAY_PORT:-8090}/api/v2/stream
  Example agent desktop:  $DESKTOP_URL
      sign in as agent1 / desk-agent1, and in a second (private) window as agent2 / desk-agent2
      desktop log: $DESKTOP_LOG (pid $DESKTOP_PID)
  Stop both with Ctrl-C.

EOF

"$JAVA" -jar "$SERVER_JAR" "$@" &
PLATFORM_PID=$!
set +e
wait "$PLATFORM_PID"
status=$?
set -e
PLATFORM_PID=
stop_all
exit "$status"
