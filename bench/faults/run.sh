#!/usr/bin/env bash
# The fault suite, on demand (docs/faults.md): three Deskframe nodes (child JVMs) over a PostgreSQL schema and a
# redis-server of its own, behind HAProxy, two agents talking through the balancer while it SIGKILLs a node, SIGSTOPs
# the node that holds a session past the heartbeat and presence timeouts, and restarts Redis; then the independent checker
# (server/src/test/.../testing/DeliveryChecker) reads the clients' logs and the database. CI runs the same scenario
# with the defaults; this runs it longer and faster.
#
#   bench/faults/run.sh [--messages=20000] [--rate=100]
#
# --messages: per agent (the ones left when the faults are over go as fast as acks come); --rate: sends per second per
# agent while the faults go on. Needs PostgreSQL on 127.0.0.1:5432 (database test), redis-server and haproxy.
set -euo pipefail
cd "$(dirname "$0")/../.."
messages=20000 rate=100
for a in "$@"; do
  case "$a" in
    --messages=*) messages="${a#*=}" ;;
    --rate=*) rate="${a#*=}" ;;
    *) echo "unknown option $a (see the head of $0)" >&2; exit 2 ;;
  esac
done
bin/mvn -B -q -pl server -am test -Dtest=FaultSuiteIntegrationTests -Dsurefire.failIfNoSpecifiedTests=false \
  -Ddeskframe.faults.messages="$messages" -Ddeskframe.faults.rate="$rate"
grep -h "fault suite:" server/target/surefire-reports/*FaultSuite*-output.txt server/target/surefire-reports/*FaultSuite*.xml 2>/dev/null | head -1
