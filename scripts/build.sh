#!/usr/bin/env bash
# Generates the Prisma client and compiles every app, lib and tool with swc
# (decorator metadata for NestJS, path aliases rewritten) into dist/.
set -euo pipefail
source "$(dirname "$0")/lib/node.sh"
ensure_node
cd "$ROOT"
DATABASE_URL="${DATABASE_URL:-postgresql://localhost/unused}" prisma generate >/dev/null
rm -rf dist
swc apps libs tools $( [ -d bench ] && echo bench ) -d dist --quiet --ignore '**/*.spec.ts' --ignore '**/*.int-spec.ts'
echo "[build] compiled to dist/"
