#!/usr/bin/env bash
# `npm start`: installs what is missing, starts Kafka, migrates, creates a
# local demo tenant, starts every app of the suite and prints how to send
# a webhook. Ctrl-C stops the apps (Kafka keeps running: scripts/kafka.sh stop).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/node.sh
source scripts/lib/env.sh
source scripts/lib/db.sh

ensure_node
ensure_deps
bash scripts/build.sh
bash scripts/kafka.sh up
migrate_db

DEMO_SECRET="${DEMO_APP_SECRET:-demo-app-secret-change-me}"
DEMO_VERIFY="${DEMO_VERIFY_TOKEN:-demo-verify-token}"
# The tenant CLI writes the registry as the intake does (its role).
INTAKE_DATABASE_URL="$(db_url intake)"
if ! DATABASE_URL="$INTAKE_DATABASE_URL" node dist/tools/tenant-cli/src/main.js show demo >/dev/null 2>&1; then
  DATABASE_URL="$INTAKE_DATABASE_URL" node dist/tools/tenant-cli/src/main.js create demo --name "Local demo" --secret "$DEMO_SECRET" \
    --verify-token "$DEMO_VERIFY" --waba 100000000000001 --phone 100000000000002 >/dev/null
  echo "[start] created tenant 'demo'"
fi

mkdir -p .data/logs
pids=()
stop_all() {
  echo "[start] stopping apps (graceful)"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait || true
}
trap stop_all INT TERM

# app name, port
APPS=("intake 3000" "status-projector 3001" "fallback-trigger 3002" "template-monitor 3003" "inbound-reply 3004")
for spec in "${APPS[@]}"; do
  read -r name port <<<"$spec"
  # Each app connects as its own database role, never as the owner or the administrator.
  DATABASE_URL="$(db_url "$name")" HTTP_PORT="$port" node "dist/apps/$name/src/main.js" >>".data/logs/$name.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
    sleep 0.2
  done
  if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then
    echo "[start] $name ready on http://127.0.0.1:$port (logs: .data/logs/$name.log)"
  else
    echo "[start] $name did not become ready; see .data/logs/$name.log" >&2
  fi
done

# The tables the apps update or delete are vacuumed once their dead tuples pass a threshold, as the
# owner, every minute: this machine's Postgres may run with autovacuum off (docs/database.md).
DATABASE_MIGRATION_URL="$(db_url owner)" node dist/tools/db-admin/src/main.js vacuum --every 60 >>.data/logs/db-vacuum.log 2>&1 &
pids+=("$!")
echo "[start] db-admin vacuum every 60 s (logs: .data/logs/db-vacuum.log)"

cat <<HOWTO

wahooks is running. Send it a signed webhook as Meta would:

  body='{"object":"whatsapp_business_account","entry":[{"id":"100000000000001","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"100000000000002"},"statuses":[{"id":"wamid.demo1","status":"delivered","timestamp":"1700000000","recipient_id":"15551234567"}]}}]}]}'
  sig=\$(printf '%s' "\$body" | openssl dgst -sha256 -hmac '$DEMO_SECRET' | sed 's/^.* //')
  curl -i -X POST http://127.0.0.1:3000/webhooks/whatsapp/demo \\
       -H 'Content-Type: application/json' -H "X-Hub-Signature-256: sha256=\$sig" --data-binary "\$body"

Verification handshake:
  curl 'http://127.0.0.1:3000/webhooks/whatsapp/demo?hub.mode=subscribe&hub.verify_token=$DEMO_VERIFY&hub.challenge=42'

Then read the message's timeline from the status ledger (an API key of the tenant: npm run tenants -- create-api-key demo me):
  curl -H "X-Api-Key: \$KEY" http://127.0.0.1:3001/v1/messages/wamid.demo1

The admin API, metrics and health details of the intake are on its private port
${ADMIN_HTTP_PORT:-9464} (ADMIN_HTTP_PORT), never on 3000, which Meta reaches:
  curl -H "Authorization: Bearer \$ADMIN_API_TOKEN" http://127.0.0.1:${ADMIN_HTTP_PORT:-9464}/admin/tenants   # token: scripts/lib/env.sh
  curl http://127.0.0.1:${ADMIN_HTTP_PORT:-9464}/metrics
  curl http://127.0.0.1:${ADMIN_HTTP_PORT:-9464}/health/ready

Health and metrics of the other apps (ports 3001-3004): /health/ready  /metrics
Ctrl-C stops the apps; 'bash scripts/kafka.sh stop' stops Kafka.
HOWTO

wait
