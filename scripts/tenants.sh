#!/usr/bin/env bash
# The tenant CLI with local defaults (see docs/tenants.md).
set -euo pipefail
source "$(dirname "$0")/lib/node.sh"
source "$(dirname "$0")/lib/env.sh"
ensure_node
[ -f "$ROOT/dist/tools/db-admin/src/main.js" ] || bash "$ROOT/scripts/build.sh" >/dev/null
# As the intake's database role (the registry's writer); run `npm start` or `npm test` once first to create the roles.
DATABASE_URL="$(node "$ROOT/dist/tools/db-admin/src/main.js" url intake)"
export DATABASE_URL
[ -f "$ROOT/dist/tools/tenant-cli/src/main.js" ] || bash "$ROOT/scripts/build.sh" >/dev/null
exec node "$ROOT/dist/tools/tenant-cli/src/main.js" "$@"
