# Creates the database in DATABASE_URL if needed and applies every migration.
migrate_db() {
  node "$ROOT/dist/tools/db-admin/src/main.js" ensure-database
  (cd "$ROOT" && prisma migrate deploy 2>&1 | grep -vE '^(Loaded Prisma config|Prisma config detected|Datasource|$)' | sed 's/^/[db] /')
}
