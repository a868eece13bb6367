#!/usr/bin/env bash
# PostgreSQL's durable-write limit on this machine, on demand: pgbench against the local PostgreSQL (127.0.0.1:5432,
# db test, user postgres) in a schema of its own (created, then dropped), with the log's shape of write: move a
# conversation's last sequence (UPDATE ... RETURNING) and insert the message, ten per transaction (bench/pgbench/ten.sql,
# conversation ids ascending so clients never deadlock) and one per transaction (one.sql). Messages/s = tps x 10 or x 1.
#
#   bench/pgbench-limit.sh [clients=8] [seconds=15]
set -euo pipefail
cd "$(dirname "$0")"
CLIENTS=${1:-8}
SECONDS_=${2:-15}
PSQL=(psql -h 127.0.0.1 -U postgres -d test -q)
"${PSQL[@]}" -c "create schema pgbench_limit" \
  -c "create table pgbench_limit.conversations(id int primary key, last_seq bigint not null default 0)" \
  -c "create table pgbench_limit.messages(conversation int not null, seq bigint not null, client_id varchar(64) not null, body varchar(4000) not null, primary key(conversation, seq))" \
  -c "insert into pgbench_limit.conversations select g, 0 from generate_series(1, 1000) g"
trap 'PGOPTIONS=--client-min-messages=warning "${PSQL[@]}" -c "drop schema pgbench_limit cascade"' EXIT
for f in ten one; do
  echo "$f per transaction, $CLIENTS clients, ${SECONDS_} s (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  pgbench -h 127.0.0.1 -U postgres -n -f "pgbench/$f.sql" -c "$CLIENTS" -j 2 -T "$SECONDS_" -M prepared test 2>&1 | grep -E '^(tps|latency average|number of failed)'
done
