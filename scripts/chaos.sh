#!/usr/bin/env bash
# `npm run chaos`: the simulator's traffic (outbound lifecycles, templates,
# inbound messages of every type, account events; a share on the shared
# platform URL) through intake, status-projector, fallback-trigger (with a
# local fake SMS provider), template-monitor and inbound-reply (with a local
# fake Graph API for media) as child processes on fresh consumer groups, while
# every consumer is SIGKILLed and restarted, the Kafka broker is restarted and
# Postgres is restarted; then `verify` must find zero differences and the
# provider exactly the expected SMS. Small by default; scale with flags, e.g.
#   npm run chaos -- --tenants 10 --messages 1000 --inbound 1000 --customers 50 --templates 20 --duration-s 600
# Flags: docs/simulator.md. Uses its own database (wahooks_chaos by default).
# It restarts the machine's Kafka broker and Postgres server: do not run it
# beside a test suite that needs them.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/node.sh
export DATABASE_URL="${CHAOS_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/wahooks_chaos}"
# Its own topics on the local broker (see scripts/test.sh).
export KAFKA_TOPIC_PREFIX="${KAFKA_TOPIC_PREFIX-chaos.}"
source scripts/lib/env.sh
source scripts/lib/db.sh
export LOG_LEVEL="${CHAOS_LOG_LEVEL:-warn}"

ensure_node
ensure_deps
if [ ! -f dist/apps/intake/src/main.js ] || [ ! -f dist/tools/db-admin/src/main.js ]; then
  bash scripts/build.sh
else
  # Only the simulator is compiled here: a full build empties dist/ under
  # whatever else is running from it.
  swc tools/simulator/src -d dist --quiet --ignore '**/*.spec.ts' --ignore '**/*.int-spec.ts'
fi
bash scripts/kafka.sh up
migrate_db
echo "[chaos] database $DATABASE_URL migrated"
exec node dist/tools/simulator/src/chaos.js "$@"
