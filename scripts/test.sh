#!/usr/bin/env bash
# `npm test`: installs what is missing, brings up a real Kafka (KRaft on the
# JVM) and the test database, then runs every test: type-check, lint, unit
# tests and integration tests against the real broker and Postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/node.sh
# The administrator's URL: migrate_db creates the roles; the tests connect as an
# app's role (testConfig, SpawnedApp) or the owner's (testDatabaseUrl) derived from it.
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/wahooks_test}"
# Tests use their own topics (test.whatsapp.webhooks.raw.v1, ...) on the
# local broker: nothing they write reaches what `npm start` consumes.
export KAFKA_TOPIC_PREFIX="${KAFKA_TOPIC_PREFIX-test.}"
source scripts/lib/env.sh
source scripts/lib/db.sh
export LOG_LEVEL="${TEST_LOG_LEVEL:-warn}"

ensure_node
ensure_deps
bash scripts/build.sh
bash scripts/kafka.sh up
# A second broker with a SASL_SSL listener, SCRAM users and ACLs, for the security tests.
bash scripts/kafka-secure.sh up
migrate_db

echo "[test] type-check"
tsc -p tsconfig.json --noEmit
echo "[test] lint (Nx module boundaries need the project graph)"
NX_DAEMON=false NX_NO_CLOUD=true nx show projects >/dev/null
eslint . --max-warnings 0
echo "[test] jest (unit + integration)"
# --forceExit: a test that leaves a kafkajs reconnect timer behind (the
# broker-down cases) must not keep CI waiting after every test has finished.
NODE_OPTIONS="--experimental-vm-modules --no-warnings=ExperimentalWarning ${NODE_OPTIONS:-}" jest --ci --forceExit "$@"
