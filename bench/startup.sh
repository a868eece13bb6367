#!/usr/bin/env bash
# Cold start and memory floor of the embedded default, on demand (docs/benchmarks.md, "Cold start and memory floor").
# Each start: from the JVM's launch to the first GET /actuator/health answering UP (polled every 50 ms), then, after
# --settle seconds with no other request, the idle RSS (VmRSS, RssAnon, RssFile of /proc/<pid>/status); then the JVM is
# stopped by its own pid (TERM, KILL after 30 s). Configurations take turns start by start, so that the load other
# processes put on the machine falls on all of them alike; each start records the 1-minute load average beside it.
# Each configuration has a temporary data dir (H2, demo data): its first start there (empty: migrations and demo seed)
# is recorded apart, as "first"; the --runs starts after it are restarts on that data, as ./run.sh's are after its
# first. Data dirs, and the caches trained here, are removed at the end.
#
#   bench/startup.sh [--runs=7] [--settle=5] [--configs=baseline,runsh] [--keycloak]
#
# Configurations (--configs, comma-separated; the first two are the default):
#   baseline       java -jar the exec jar, the JVM's default options
#   runsh          exactly what ./run.sh starts (bin/platform-jvm: extracted jar, its options, its AOT cache, trained
#                  first if it is not current, as run.sh does)
#   extracted      the extracted jar, default options (what extracting alone buys)
#   aot-defaults   the extracted jar with an AOT cache trained here, default options (what the cache buys alone)
#   runsh-nocache  run.sh's options without the cache (what the options buy alone)
#   runsh-c2       run.sh with JAVA_OPTS=-XX:TieredStopAtLevel=4 (C2 back, as an operator may set it)
#   runsh-lazy     run.sh plus --spring.main.lazy-initialization=true (what lazy beans would buy; not run.sh's)
#   runsh-nospring run.sh with DESKFRAME_SPRING_AOT=off (its JDK cache, bean definitions evaluated at start-up)
#   base           what ./run.sh starts in another tree, BENCH_BASE=<dir> (a build of the commit a change starts from,
#                  e.g. git worktree add /tmp/base <commit>; built there first if needed): the baseline, in the same run
#   keycloak       (with --keycloak) Keycloak 26 start-dev, to /realms/master answering, fetched as bench/token-bench.sh does
#
# Environment: JAVA_HOME (default Temurin 25). Results: bench/results/<time>-startup.jsonl (one JSON object per start)
# and a summary table on stdout (median and min-max of the restarts per configuration).
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/java-env
. bin/platform-jvm
JAVA="$JAVA_HOME/bin/java"

RUNS=7 SETTLE=5 CONFIGS=baseline,runsh KEYCLOAK=false TIMEOUT=240
for arg in "$@"; do
  case "$arg" in
    --runs=*) RUNS=${arg#*=} ;;
    --settle=*) SETTLE=${arg#*=} ;;
    --configs=*) CONFIGS=${arg#*=} ;;
    --keycloak) KEYCLOAK=true ;;
    *) sed -n '2,29p' "$0"; exit 2 ;;
  esac
done
$KEYCLOAK && CONFIGS="$CONFIGS,keycloak"

if [ ! -f "$PLATFORM_EXEC_JAR" ] || [ -n "$(find server/src pom.xml server/pom.xml -newer "$PLATFORM_EXEC_JAR" -print -quit)" ]; then
  echo "Building the server..."
  bin/mvn -B -q -DskipTests -pl server -am package
fi

mkdir -p bench/results
STAMP=$(date +%Y%m%d-%H%M%S)
OUT="bench/results/$STAMP-startup"
WORK=$(mktemp -d /tmp/deskframe-startup-bench.XXXXXX)
PID="" KC_SCRIPT_PID="" KC_PID=""

. bench/lib/keycloak-and-processes.sh
stop_all() { # the JVM first: kc.sh may run Keycloak's JVM as its child rather than exec it
  stop "${KC_PID:-}"
  stop "$PID"
  stop "$KC_SCRIPT_PID"
  PID="" KC_SCRIPT_PID="" KC_PID=""
}
cleanup() {
  stop_all
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- what each configuration runs ----------------------------------------------------------------------------------
prepared=" "
prepare() { # prepare CONFIG: extract, train, fetch what it needs, once
  case " $prepared " in *" $1 "*) return 0 ;; esac
  case "$1" in
    runsh|runsh-nocache|runsh-c2|runsh-lazy|runsh-nospring|extracted|aot-defaults)
      platform_prepare "$WORK/prepare.log" ;;
    base) prepare_base ;;
  esac
  if [ "$1" = aot-defaults ]; then
    echo "Training an AOT cache with the JVM's default options..."
    train_defaults
  fi
  if [ "$1" = keycloak ]; then fetch_keycloak; fi
  prepared="$prepared$1 "
}

# The same training as bin/platform-jvm's, with the default options and into the bench's own directory.
train_defaults() {
  local saved_options=("${PLATFORM_JVM_OPTIONS[@]}") saved_heap=("${PLATFORM_TRAINING_HEAP[@]}") saved_cache=$PLATFORM_AOT_CACHE
  PLATFORM_JVM_OPTIONS=(-XX:+UseG1GC) PLATFORM_TRAINING_HEAP=() # G1: the default here (2 cores, 24 GB), named so the array is not empty
  PLATFORM_AOT_CACHE=$WORK/defaults.aot
  platform_train "$WORK/train-defaults.log" || { echo "training failed; see $WORK/train-defaults.log"; tail -20 "$WORK/train-defaults.log"; exit 1; }
  PLATFORM_JVM_OPTIONS=("${saved_options[@]}") PLATFORM_TRAINING_HEAP=("${saved_heap[@]}") PLATFORM_AOT_CACHE=$saved_cache
}


# The other tree's own bin/platform-jvm, run there (its paths are relative to it): BASE_JVM and BASE_APP_JAR.
prepare_base() {
  [ -n "${BENCH_BASE:-}" ] && [ -f "$BENCH_BASE/bin/platform-jvm" ] || { echo "base: set BENCH_BASE to a Deskframe tree"; exit 2; }
  (cd "$BENCH_BASE" && { [ -f server/target/deskframe-server-0.1.0-SNAPSHOT-exec.jar ] || bin/mvn -B -q -DskipTests -pl server -am package; })
  mapfile -t BASE_JVM < <(cd "$BENCH_BASE" && . bin/java-env && . bin/platform-jvm && platform_prepare "$WORK/prepare-base.log" >&2 \
    && printf '%s\n' "$PLATFORM_APP_JAR" "${PLATFORM_JVM[@]}")
  BASE_APP_JAR=${BASE_JVM[0]} BASE_JVM=("${BASE_JVM[@]:1}")
}

# start CONFIG DATA LOG PORT GATEWAY_PORT: starts it in the background; sets PID (the JVM's own) and URL (ready when UP)
start() {
  local config=$1 data=$2 log=$3 port=$4 gw=$5 jar opts=()
  local props=(--server.port="$port" --server.address=127.0.0.1 --deskframe.gateway.port="$gw"
    --deskframe.gateway.address=127.0.0.1 --deskframe.region.public-url="http://127.0.0.1:$port"
    --deskframe.identity.data-dir="$data" --spring.datasource.url="$PLATFORM_H2_URL"
    --spring.datasource.username=sa --spring.datasource.password= --deskframe.cluster.redis-url=
    --deskframe.demo.enabled=true)
  URL="http://127.0.0.1:$port/actuator/health"
  case "$config" in
    baseline) "$JAVA" -jar "$PLATFORM_EXEC_JAR" "${props[@]}" >"$log" 2>&1 & PID=$! ;;
    extracted) "$JAVA" -jar "$PLATFORM_APP_JAR" "${props[@]}" >"$log" 2>&1 & PID=$! ;;
    aot-defaults) "$JAVA" -XX:AOTCache="$WORK/defaults.aot" -Xlog:aot*=error -jar "$PLATFORM_APP_JAR" "${props[@]}" >"$log" 2>&1 & PID=$! ;;
    runsh) "${PLATFORM_JVM[@]}" -jar "$PLATFORM_APP_JAR" "${props[@]}" >"$log" 2>&1 & PID=$! ;;
    runsh-nocache) "$JAVA" "${PLATFORM_JVM_OPTIONS[@]}" "-Xmx$PLATFORM_HEAP" -jar "$PLATFORM_APP_JAR" "${props[@]}" >"$log" 2>&1 & PID=$! ;;
    runsh-c2) "${PLATFORM_JVM[@]}" -XX:TieredStopAtLevel=4 -jar "$PLATFORM_APP_JAR" "${props[@]}" >"$log" 2>&1 & PID=$! ;;
    runsh-lazy) "${PLATFORM_JVM[@]}" -jar "$PLATFORM_APP_JAR" "${props[@]}" --spring.main.lazy-initialization=true >"$log" 2>&1 & PID=$! ;;
    runsh-nospring) "${PLATFORM_JVM[@]}" -Dspring.aot.enabled=false -jar "$PLATFORM_APP_JAR" "${props[@]}" >"$log" 2>&1 & PID=$! ;;
    # exec: the subshell becomes the JVM, so PID is the JVM's own
    base) (cd "$BENCH_BASE" && exec "${BASE_JVM[@]}" -jar "$BASE_APP_JAR" "${props[@]}") >"$log" 2>&1 & PID=$! ;;
    keycloak)
      # kc.sh runs the JVM as its child: the script's pid is recorded (its JVM is found by -Dkc.script.pid to
      # measure it), and stopping the script stops the JVM.
      KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=bench-admin-pass-0123 \
        "$KC_HOME/bin/kc.sh" start-dev --http-port "$port" --http-host 127.0.0.1 >"$log" 2>&1 &
      KC_SCRIPT_PID=$! PID=$!
      URL="http://127.0.0.1:$port/realms/master" ;;
    *) echo "unknown configuration $config"; exit 2 ;;
  esac
}


# measure CONFIG KIND RUN DATA: one start; appends its JSON line. A start that lost its free port to another process
# in between (other builds pick ports too) is started again on others, up to three times.
measure() {
  local config=$1 kind=$2 run=$3 data=$4 port gw log t0 t1 up= load jvm cpu rss anon file attempt
  for attempt in 1 2 3; do
    up=
    measure_once "$config" "$kind" "$run" "$data" && return 0
    grep -q "already in use" "$log" || break
    echo "$config ($kind $run): a port was taken meanwhile; again on others"
  done
  echo "$config ($kind $run) did not come up within ${TIMEOUT}s or exited; the end of its log:"; tail -20 "$log"
  exit 1
}
measure_once() {
  port=$(platform_free_port) gw=$(platform_free_port)
  log="$WORK/$config-$kind-$run.log"
  load=$(cut -d' ' -f1 /proc/loadavg)
  t0=$(date +%s%N)
  start "$config" "$data" "$log" "$port" "$gw"
  local deadline=$((t0 / 1000000000 + TIMEOUT))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    if [ "$config" = keycloak ]; then
      curl -fsS -o /dev/null "$URL" 2>/dev/null && { up=1; break; }
    else
      curl -fsS "$URL" 2>/dev/null | grep -q '"status":"UP"' && { up=1; break; }
    fi
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.05
  done
  t1=$(date +%s%N)
  jvm=$PID; [ "$config" = keycloak ] && jvm=$(keycloak_jvm "$KC_SCRIPT_PID") && KC_PID=$jvm
  # CPU the JVM spent to get there (utime + stime, clock ticks): unlike the wall time, little moved by the load.
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$jvm/stat" 2>/dev/null || echo null)
  if [ -z "$up" ]; then
    stop_all; return 1
  fi
  sleep "$SETTLE"
  rss=$(awk '/^VmRSS:/{print $2}' "/proc/$jvm/status") anon=$(awk '/^RssAnon:/{print $2}' "/proc/$jvm/status")
  file=$(awk '/^RssFile:/{print $2}' "/proc/$jvm/status")
  stop_all
  printf '{"config":"%s","kind":"%s","run":%s,"ms":%s,"cpuMs":%s,"rssKb":%s,"anonKb":%s,"fileKb":%s,"load1":%s,"loadAfter":%s}\n' \
    "$config" "$kind" "$run" $(((t1 - t0) / 1000000)) "$cpu" "$rss" "$anon" "$file" "$load" "$(cut -d' ' -f1 /proc/loadavg)" \
    | tee -a "$OUT.jsonl"
}

IFS=, read -ra LIST <<<"$CONFIGS"
for config in "${LIST[@]}"; do prepare "$config"; done
echo "Date $(date -u +%FT%TZ); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); $("$JAVA" -version 2>&1 | head -1)"
echo "run.sh's JVM: ${PLATFORM_JVM[*]:-} -jar $PLATFORM_APP_JAR"
for config in "${LIST[@]}"; do
  mkdir -p "$WORK/data-$config"
  [ "$config" = keycloak ] || measure "$config" first 0 "$WORK/data-$config"
done
for run in $(seq 1 "$RUNS"); do
  for config in "${LIST[@]}"; do measure "$config" restart "$run" "$WORK/data-$config"; done
done

python3 - "$OUT.jsonl" <<'EOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
print(f"\n{'configuration':<14} {'first ms':>8} {'restarts: median ms':>20} {'min-max ms':>14} {'CPU ms to UP':>13} {'idle RSS MB (median, min-max)':>30} {'load avg (1 min)':>17}")
for config in dict.fromkeys(r["config"] for r in rows):
    rs = [r for r in rows if r["config"] == config and r["kind"] == "restart"]
    first = next((r["ms"] for r in rows if r["config"] == config and r["kind"] == "first"), None)
    ms = [r["ms"] for r in rs]; rss = [r["rssKb"] / 1024 for r in rs]; load = [r["load1"] for r in rs]
    cpu = [r["cpuMs"] for r in rs if r.get("cpuMs") is not None]
    print(f"{config:<14} {first if first is not None else '-':>8} {statistics.median(ms):>20.0f} {min(ms):>6}-{max(ms):<7}"
          f" {statistics.median(cpu) if cpu else float('nan'):>13.0f}"
          f" {statistics.median(rss):>14.0f} ({min(rss):.0f}-{max(rss):.0f}) {min(load):>9.1f}-{max(load):.1f}")
EOF
echo "Results: $OUT.jsonl"
