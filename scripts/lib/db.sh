# Sourced by the scripts that need the database (start, test, bench, chaos, faults).
# DATABASE_URL here is the administrator's URL (the superuser on a developer's
# server): it creates the database and the roles. The owner role migrates, and
# each app connects as its own role (docs/database.md, "Roles and grants").

db_admin() { node "$ROOT/dist/tools/db-admin/src/main.js" "$@"; }

# The URL of owner | admin | <app>: its own variable (DATABASE_MIGRATION_URL,
# DATABASE_URL_INTAKE, ...) when set, else DATABASE_URL with the role as user.
db_url() { db_admin url "$1"; }

# Creates the database in DATABASE_URL if needed, its roles and privileges,
# applies every migration as the owner, then the grants of
# tools/db-admin/src/grants.ts for whatever the migrations added.
migrate_db() {
  db_admin ensure-database
  db_admin ensure-roles
  local owner
  owner="$(db_url owner)"
  (cd "$ROOT" && DATABASE_MIGRATION_URL="$owner" prisma migrate deploy 2>&1 | grep -vE '^(Loaded Prisma config|Prisma config detected|Datasource|$)' | sed 's/^/[db] /')
  DATABASE_MIGRATION_URL="$owner" db_admin grant
}
