#!/usr/bin/env bash
# Idle sessions on several nodes of one machine at once, on demand: N independent embedded nodes (each its own JVM,
# H2 data dir, ports and two driver processes), started side by side by gateway-bench.sh idle, each holding its level
# for the idle window; then one table over the nodes. The nodes share nothing but the machine: what this measures is
# what N processes of ~19.5k sessions each (the open-file limit per process, shared/STACK.md) cost together.
#
#   bench/gateway-nodes.sh 3 --levels=19500 --idle-seconds=600     # 58,500 sessions held 10 minutes on 3 processes
#   bench/gateway-nodes.sh 2 --levels=1000,10000,19500             # the per-node cost of growth with 2 nodes
#   bench/gateway-nodes.sh 3 --levels=1000,10000,19500 --idle-seconds=60 --last-idle-seconds=600   # both in one run
#
# The drivers refresh every session's token in place when the gateway pushes token_expiring (a hold longer than the
# token's lifetime needs it; the table shows the refreshes and the close codes of any session a server ended).
#
# Environment: as gateway-bench.sh (BENCH_JAR, BENCH_XMX, BENCH_PROPS, BENCH_JAVA_OPTS). Results: each node's
# bench/results/<time>-idle-node<i>.json and .log, and the table on stdout (and in bench/results/<time>-nodes<N>.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-}
[[ "$N" =~ ^[1-9]$ ]] || { sed -n '2,17p' "$0"; exit 2; }
shift
STAMP=$(date +%Y%m%d-%H%M%S)
mkdir -p bench/results
PIDS=()
for i in $(seq 1 "$N"); do
  # Unbound sockets (--first-source=0): each node's connections take ports per its own gateway port. Bound to source
  # addresses, N nodes' sockets would bar most of the machine's ephemeral ports (~28k) for every other connect().
  BENCH_TIMEOUT=${BENCH_TIMEOUT:-3600} BENCH_RUN=node$i bench/gateway-bench.sh idle --first-source=0 "$@" >"bench/results/$STAMP-nodes$N-node$i.out" 2>&1 &
  PIDS+=($!)
  sleep 2   # distinct result stamps, and the JVMs' start-up CPU a little apart
done
STATUS=0
for p in "${PIDS[@]}"; do wait "$p" || STATUS=1; done
FILES=()
for i in $(seq 1 "$N"); do
  f=$(grep -o 'Results: .*' "bench/results/$STAMP-nodes$N-node$i.out" | cut -d' ' -f2 || true)
  [ -n "$f" ] && FILES+=("$f") || { echo "node $i: no result; see bench/results/$STAMP-nodes$N-node$i.out"; STATUS=1; }
done
[ ${#FILES[@]} -gt 0 ] && python3 - "${FILES[@]}" <<'PY' | tee "bench/results/$STAMP-nodes$N.txt"
import json, sys
runs = [json.load(open(f)) for f in sys.argv[1:]]
print(f"{len(runs)} node(s) side by side")
print("| node | connections | failed | closed by server (codes) | still open after idle | refreshed in place | idle s | heap KB/conn | RSS MiB | idle CPU µs/s/conn | CPU µs/accepted conn | handshake p50 / p99 ms |")
print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
tot = {}
for i, run in enumerate(runs, 1):
    for r in run["results"]:
        hs = r.get("handshakeMs") or {}
        print(f"| {i} | {r['open']} | {r['failed']} | {r['closedByServer']} {json.dumps(r.get('closeCodes', {}))} | {r['stillOpenAfterIdle']} | {r.get('refreshed', '-')} {json.dumps(r.get('refreshFailures', {}))} | {r['idleSeconds']:.0f} | {r['heapPerConnBytes']/1024:.2f} | {r['rssMiB']:.0f} | {r['idleCpuUsPerConnPerS']:.2f} | {r['cpuUsPerAcceptedConn']:.0f} | {hs.get('p50', float('nan')):.1f} / {hs.get('p99', float('nan')):.1f} |")
        t = tot.setdefault(r["requested"], {"open": 0, "failed": 0, "closed": 0, "still": 0, "rss": 0.0})
        t["open"] += r["open"]; t["failed"] += r["failed"]; t["closed"] += r["closedByServer"]; t["still"] += r["stillOpenAfterIdle"]; t["rss"] += r["rssMiB"]
for level, t in tot.items():
    print(f"all nodes at {level} each: {t['open']} open, {t['failed']} failed, {t['closed']} closed by a server, {t['still']} still open after the idle window, RSS {t['rss']:.0f} MiB in all")
PY
exit $STATUS
