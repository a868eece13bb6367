#!/usr/bin/env bash
# The fault suite, on demand (docs/faults.md): three Deskframe nodes (child JVMs) over a PostgreSQL cluster and a
# redis-server of its own, behind HAProxy (node 2 reaches Redis through a faulty proxy, node 3's clock runs ahead under
# libfaketime), two agents talking and customers routed to three agents of capacity 2 through the balancer while it
# SIGKILLs a node that holds a session, SIGSTOPs one past the heartbeat and presence timeouts, restarts Redis, restarts
# PostgreSQL, black-holes, delays and resets node 2's Redis link, fills node 2's attachment disk (a tmpfs; root only),
# steps node 1's clock 3 minutes ahead and back, and hands both agents tokens the skewed node issued, while agents
# decline, transfer and close with after-contact work (one queue offering, one auto-accepting) and two agents call each
# other on their voice widgets; then the independent checkers (server/src/test/.../testing/DeliveryChecker,
# RoutingChecker, CallChecker) read the clients' logs and the database. CI runs the same scenario with the defaults; this runs it longer and faster.
#
#   bench/faults/run.sh [--messages=20000] [--rate=100] [--skew=+3m] [--customer-every-ms=1000]
#
# --messages: per agent (the ones left when the faults are over go as fast as acks come); --rate: sends per second per
# agent while the faults go on; --skew: how far node 3's clock runs ahead, whole minutes, more than one (libfaketime's
# syntax); --customer-every-ms: how often a customer arrives while the faults go on. Needs redis-server, haproxy, libfaketime and the PostgreSQL 15 binaries (/usr/lib/postgresql/15/bin; the
# suite runs a cluster of its own, as the postgres user when run as root).
set -euo pipefail
cd "$(dirname "$0")/../.."
messages=20000 rate=100 skew=+3m customer_every=1000
for a in "$@"; do
  case "$a" in
    --messages=*) messages="${a#*=}" ;;
    --rate=*) rate="${a#*=}" ;;
    --skew=*) skew="${a#*=}" ;;
    --customer-every-ms=*) customer_every="${a#*=}" ;;
    *) echo "unknown option $a (see the head of $0)" >&2; exit 2 ;;
  esac
done
bin/mvn -B -q -pl server -am test -Dtest=FaultSuiteIntegrationTests -Dsurefire.failIfNoSpecifiedTests=false \
  -Ddeskframe.faults.messages="$messages" -Ddeskframe.faults.rate="$rate" -Ddeskframe.faults.skew="$skew" \
  -Ddeskframe.faults.customer-every-ms="$customer_every"
grep -h "fault suite.*Report" server/target/surefire-reports/*FaultSuite*-output.txt server/target/surefire-reports/*FaultSuite*.xml 2>/dev/null | head -2
