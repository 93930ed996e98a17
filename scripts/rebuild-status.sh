#!/usr/bin/env bash
# Drops the status projection and rebuilds it from the event store
# (docs/status-projector.md). Stop the status-projector consumers first.
set -euo pipefail
source "$(dirname "$0")/lib/node.sh"
source "$(dirname "$0")/lib/env.sh"
ensure_node
[ -f "$ROOT/dist/apps/status-projector/src/rebuild.js" ] || bash "$ROOT/scripts/build.sh" >/dev/null
exec node "$ROOT/dist/apps/status-projector/src/rebuild.js"
