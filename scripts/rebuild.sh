#!/usr/bin/env bash
# Drops one service's projections and rebuilds them from the event store:
#   bash scripts/rebuild.sh status-projector|fallback-trigger|template-monitor|inbound-reply
# Stop that service's consumers first (see its docs/<service>.md).
set -euo pipefail
source "$(dirname "$0")/lib/node.sh"
source "$(dirname "$0")/lib/env.sh"
ensure_node
app="${1:?usage: scripts/rebuild.sh <app>}"
entry="$ROOT/dist/apps/$app/src/rebuild.js"
[ -f "$entry" ] || bash "$ROOT/scripts/build.sh" >/dev/null
[ -f "$entry" ] || { echo "no rebuild command for '$app'" >&2; exit 2; }
# As the app's own database role, like its k8s rebuild Job (it may TRUNCATE its projections, nothing else).
DATABASE_URL="$(node "$ROOT/dist/tools/db-admin/src/main.js" url "$app")"
export DATABASE_URL
exec node "$entry"
