#!/usr/bin/env bash
# Starts Deskframe (embedded H2 under ./data, demo data), the example agent desktop and the demo customer site together,
# building first if needed, and prints one summary once they are up: each place's URL and its credentials. All log to
# logs/ (platform.log, agent-desktop.log, customer-site.log); the desktop and the site stop when the platform stops.
# Honours SERVER_PORT (default 8080), DESKFRAME_GATEWAY_PORT (the widgets' WebSocket gateway, default 8090), DESKTOP_PORT
# (default 8081), CUSTOMER_SITE_PORT (default 8082) and every Spring property as
# an environment variable; arguments are passed to the platform.
# The platform's JVM (bin/platform-jvm, chosen by measurement: docs/benchmarks.md, "Cold start and memory floor"): the
# extracted jar with an AOT cache, which the first start after a build trains (once; minutes), Serial GC, C1, a heap
# that starts small; and Spring AOT's build-time bean definitions, which the platform uses only when every property their
# conditions read is as the build had it (the embedded default: any port and data dir; a PostgreSQL or Redis URL, a
# profile, ... turn it off, and the platform's log and the summary below say so). DESKFRAME_HEAP sets the heap ceiling
# (-Xmx, default 512m, enough for the 19,500 idle gateway sessions of docs/scaling.md), JAVA_OPTS adds JVM options (last,
# so they win), DESKFRAME_AOT=off starts without the JDK's cache, DESKFRAME_SPRING_AOT=off without Spring AOT.
set -euo pipefail
cd "$(dirname "$0")"
. bin/java-env
. bin/platform-jvm
JAVA="$JAVA_HOME/bin/java"

SERVER_PORT="${SERVER_PORT:-8080}"
DESKTOP_PORT="${DESKTOP_PORT:-8081}"
CUSTOMER_SITE_PORT="${CUSTOMER_SITE_PORT:-8082}"
export SERVER_PORT DESKTOP_PORT
PLATFORM_URL="${DESKFRAME_REGION_PUBLIC_URL:-http://localhost:$SERVER_PORT}"
DESKTOP_URL="${DESKTOP_PUBLIC_URL:-http://localhost:$DESKTOP_PORT}"
# The platform allows the desktop's origin to embed the demo client's widgets; the desktop talks to this platform
# (its public URL, which is the token issuer the page's EmbeddingClient compares env with).
export DESKFRAME_DEMO_DESKTOPURL="${DESKFRAME_DEMO_DESKTOPURL:-$DESKTOP_URL}"
export DESKFRAME_ENV="${DESKFRAME_ENV:-$PLATFORM_URL}"
# guest: the demo customer site's origin is allowed by the demo messenger deployment demo-web (docs/messenger.md).
CUSTOMER_SITE_URL="${CUSTOMER_SITE_PUBLIC_URL:-http://localhost:$CUSTOMER_SITE_PORT}"
export DESKFRAME_GUEST_DEMOSITEURL="${DESKFRAME_GUEST_DEMOSITEURL:-$CUSTOMER_SITE_URL}"

SERVER_JAR=$PLATFORM_EXEC_JAR
DESKTOP_JAR=examples/agent-desktop/target/agent-desktop.jar
SOURCES=(pom.xml server/pom.xml server/src token-broker/pom.xml token-broker/src examples/agent-desktop/pom.xml examples/agent-desktop/src)
stale() { [ ! -f "$1" ] || [ -n "$(find "${SOURCES[@]}" -newer "$1" -print -quit)" ]; }
mkdir -p logs data
if stale "$SERVER_JAR" || stale "$DESKTOP_JAR"; then
  echo "Building Deskframe and the example agent desktop (log: logs/build.log)..."
  if ! mvn -B -q -DskipTests -pl server,examples/agent-desktop -am package >logs/build.log 2>&1; then
    echo "The build failed. The end of logs/build.log:" >&2
    tail -n 40 logs/build.log >&2
    exit 1
  fi
fi
# Before the desktop and the site start, so that they do not compete with the training for the cores.
platform_prepare logs/platform-aot.log
DESKTOP_LOG=logs/agent-desktop.log
DESKTOP_PID_FILE=data/agent-desktop.pid
SITE_LOG=logs/customer-site.log
SITE_PID_FILE=data/customer-site.pid
SITE_DIR="$PWD/data/customer-site-$CUSTOMER_SITE_PORT"

# A desktop left over from a run that was killed hard: stop it, but only if that process really is our desktop.
if [ -f "$DESKTOP_PID_FILE" ]; then
  old=$(cat "$DESKTOP_PID_FILE")
  if [ -n "$old" ] && tr '\0' ' ' < "/proc/$old/cmdline" 2>/dev/null | grep -q "agent-desktop.jar"; then
    kill "$old" 2>/dev/null || true
  fi
  rm -f "$DESKTOP_PID_FILE"
fi

if [ -f "$SITE_PID_FILE" ]; then
  old=$(cat "$SITE_PID_FILE")
  if [ -n "$old" ] && tr '\0' ' ' < "/proc/$old/cmdline" 2>/dev/null | grep -q "customer-site"; then
    kill "$old" 2>/dev/null || true
  fi
  rm -f "$SITE_PID_FILE"
fi

# $! is the JVM itself (java is started directly, not through a subshell), so the stop below reaches it.
"$JAVA" -XX:TieredStopAtLevel=1 -Xshare:auto -jar "$DESKTOP_JAR" >"$DESKTOP_LOG" 2>&1 &
DESKTOP_PID=$!
echo "$DESKTOP_PID" >"$DESKTOP_PID_FILE"

# The demo customer site: a static page (examples/customer-site) on an origin of its own, served by the JDK's simple
# web server; site.json tells the page which platform and deployment to use.
mkdir -p "$SITE_DIR"
cp examples/customer-site/index.html "$SITE_DIR/"
printf '{"env": "%s", "deployment": "demo-web"}\n' "$PLATFORM_URL" >"$SITE_DIR/site.json"
"$JAVA_HOME/bin/jwebserver" -b 127.0.0.1 -p "$CUSTOMER_SITE_PORT" -d "$SITE_DIR" -o info >"$SITE_LOG" 2>&1 &
SITE_PID=$!
echo "$SITE_PID" >"$SITE_PID_FILE"
PLATFORM_PID=
PLATFORM_LOG=logs/platform.log

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
  if kill -0 "$SITE_PID" 2>/dev/null; then
    kill -TERM "$SITE_PID" 2>/dev/null || true
    wait "$SITE_PID" 2>/dev/null || true
  fi
  rm -f "$DESKTOP_PID_FILE" "$SITE_PID_FILE"
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap stop_all EXIT

echo "Starting Deskframe (log: $PLATFORM_LOG) and the example agent desktop (log: $DESKTOP_LOG)..."
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
"${PLATFORM_JVM[@]}" ${JAVA_OPTS:-} -jar "$PLATFORM_APP_JAR" "$@" >"$PLATFORM_LOG" 2>&1 &
PLATFORM_PID=$!

# Ready when the platform says so (its readiness probe); a platform that exits first shows why.
ready=
for _ in $(seq 1 240); do
  kill -0 "$PLATFORM_PID" 2>/dev/null || break
  if curl -fsS -o /dev/null "http://127.0.0.1:$SERVER_PORT/actuator/health/readiness" 2>/dev/null; then ready=1; break; fi
  sleep 0.5
done
if [ -z "$ready" ]; then
  echo "Deskframe did not start (is port $SERVER_PORT or ${DESKFRAME_GATEWAY_PORT:-8090} taken? set SERVER_PORT / DESKFRAME_GATEWAY_PORT). The end of $PLATFORM_LOG:" >&2
  tail -n 30 "$PLATFORM_LOG" >&2 || true
  exit 1
fi

# The gateway's URL as the platform announces it to widgets (GET /embed/v1/env), not a guess.
# Asked at the platform's public URL, since the answer names the host it was reached at.
GATEWAY_URL=$(curl -fsS "$PLATFORM_URL/embed/v1/env" 2>/dev/null | sed -n 's/.*"gateway":"\([^"]*\)".*/\1/p')
ADMIN_LINE=$(sed -n 's/.*Deployment admin client: \(.*\)$/\1/p' "$PLATFORM_LOG" | head -n 1)
STARTUP_LINE=$(sed -n 's/.*\(Spring AOT o[nf]f*[^;(]*[^;( ]\).*/\1/p' "$PLATFORM_LOG" | head -n 1)
STARTUP_LINE=$(sed -n 's/.*Started DeskframeApplication in \([0-9.]*\) seconds.*/\1 s/p' "$PLATFORM_LOG" | head -n 1)${STARTUP_LINE:+, $STARTUP_LINE}
for _ in $(seq 1 20); do
  curl -fsS -o /dev/null "http://127.0.0.1:$DESKTOP_PORT/healthz" 2>/dev/null && break
  kill -0 "$DESKTOP_PID" 2>/dev/null || break
  sleep 0.2
done
if kill -0 "$DESKTOP_PID" 2>/dev/null; then
  DESKTOP_LINE="$DESKTOP_URL
      sign in            the same demo agents: agent1 in one browser profile, agent2 in another"
else
  DESKTOP_LINE="did not start (is port $DESKTOP_PORT free? set DESKTOP_PORT); see $DESKTOP_LOG"
fi
for _ in $(seq 1 20); do
  curl -fsS -o /dev/null "http://127.0.0.1:$CUSTOMER_SITE_PORT/site.json" 2>/dev/null && break
  kill -0 "$SITE_PID" 2>/dev/null || break
  sleep 0.2
done
if kill -0 "$SITE_PID" 2>/dev/null; then
  SITE_LINE="$CUSTOMER_SITE_URL
      messenger          deployment demo-web -> queue demo-support (the chat button, bottom right)"
else
  SITE_LINE="did not start (is port $CUSTOMER_SITE_PORT free? set CUSTOMER_SITE_PORT); see $SITE_LOG"
fi

cat <<SUMMARY

  Deskframe is ready (demo mode: fixed demo credentials, never for production)

  Platform               $PLATFORM_URL   (front page, docs, API reference)
      sign in            agent1 / agent1-demo-pass, agent2 / agent2-demo-pass   (org demo)
      OAuth clients      demo-backend, demo-noembed, acme-backend, demo-admin: secret <client id>-secret-0123456789abcdef
      deployment admin   ${ADMIN_LINE:-see $PLATFORM_LOG}
  Widget gateway         ${GATEWAY_URL:-see $PLATFORM_LOG}
  Example agent desktop  $DESKTOP_LINE
  Demo customer site     $SITE_LINE
  Platform start-up      ${STARTUP_LINE:-see $PLATFORM_LOG}
  Logs                   $PLATFORM_LOG, $DESKTOP_LOG, $SITE_LOG
  Stop all with Ctrl-C.

SUMMARY

set +e
wait "$PLATFORM_PID"
status=$?
set -e
PLATFORM_PID=
if [ "$status" -ne 0 ] && [ "$status" -ne 130 ] && [ "$status" -ne 143 ]; then
  echo "Deskframe stopped (exit $status). The end of $PLATFORM_LOG:" >&2
  tail -n 30 "$PLATFORM_LOG" >&2 || true
fi
stop_all
exit "$status"
