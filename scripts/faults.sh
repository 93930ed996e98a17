#!/usr/bin/env bash
# `npm run faults`: each production fault of docs/faults.md (Postgres read-only,
# restarted, connections killed; the broker SIGKILLed; each consumer
# SIGKILLed; a poison record and its replay; a 1.5 MB message; a 3 MB
# delivery of 20,000 failed statuses; text Postgres cannot store; a delivery
# for an unknown WABA, replayed once registered), one at a time under the
# simulator's traffic, each verified against the oracle. Flags:
#   --only pg-read-only,poison-record   --rate 20   --messages 40 --inbound 30 --tenants 2
# Uses its own database (wahooks_faults) and topics (faults.*). It restarts
# this machine's Postgres and Kafka and makes the database read-only for a
# minute (its own database only): do not run it beside anything else that needs the server or broker.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/node.sh
export DATABASE_URL="${FAULTS_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/wahooks_faults}"
export KAFKA_TOPIC_PREFIX="${KAFKA_TOPIC_PREFIX-faults.}"
source scripts/lib/env.sh
source scripts/lib/db.sh
export LOG_LEVEL="${FAULTS_LOG_LEVEL:-warn}"

ensure_node
ensure_deps
if [ ! -f dist/apps/intake/src/main.js ] || [ ! -f dist/tools/db-admin/src/main.js ]; then
  bash scripts/build.sh
else
  swc tools/simulator/src -d dist --quiet --ignore '**/*.spec.ts' --ignore '**/*.int-spec.ts'
fi
bash scripts/kafka.sh up
migrate_db
echo "[faults] database $DATABASE_URL migrated"
exec node dist/tools/simulator/src/faults.js "$@"
