#!/usr/bin/env bash
# Replays a dead-letter topic to its origin (see docs/consumers.md).
set -euo pipefail
source "$(dirname "$0")/lib/node.sh"
source "$(dirname "$0")/lib/env.sh"
ensure_node
[ -f "$ROOT/dist/tools/dlq-replay/src/main.js" ] || bash "$ROOT/scripts/build.sh" >/dev/null
exec node "$ROOT/dist/tools/dlq-replay/src/main.js" "$@"
