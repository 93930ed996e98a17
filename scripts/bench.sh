#!/usr/bin/env bash
# `npm run bench [-- options]`: the same preparation as `npm test` (pinned
# Node, dependencies, build, a real Kafka, a migrated database), then every
# benchmark suite against its baselines in one run; BENCHMARKS.md gets the
# results (`--smoke`: tiny runs, report to a temp file). Options: --help.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/node.sh
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/wahooks_bench}"
# The bench's own topics on the local broker (see scripts/test.sh).
export KAFKA_TOPIC_PREFIX="${KAFKA_TOPIC_PREFIX-bench.}"
source scripts/lib/env.sh
source scripts/lib/db.sh

ensure_node
ensure_deps
bash scripts/build.sh
bash scripts/kafka.sh up
migrate_db

exec node dist/bench/src/main.js "$@"
