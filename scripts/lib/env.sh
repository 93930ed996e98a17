# Local defaults for every script; any variable already set wins.
# These secrets are for a developer machine only: production reads them from
# a Kubernetes Secret (see k8s/).
# DATABASE_URL: the administrator's (the local superuser); the scripts derive the
# owner's and each app's URL from it (scripts/lib/db.sh, db-admin url).
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/wahooks}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:${KAFKA_PORT:-9092}}"
export SECRETS_ENCRYPTION_KEY="${SECRETS_ENCRYPTION_KEY:-bG9jYWwtZGV2LW9ubHktZW5jcnlwdGlvbi1rZXkhISE=}"
export ADMIN_API_TOKEN="${ADMIN_API_TOKEN:-local-admin-token-change-me}"
export PLATFORM_APP_SECRETS="${PLATFORM_APP_SECRETS:-local-platform-app-secret}"
export INTAKE_RECORD_KEYS="${INTAKE_RECORD_KEYS:-local-dev-only-intake-record-key-change-me}"
export PLATFORM_VERIFY_TOKEN="${PLATFORM_VERIFY_TOKEN:-local-platform-verify-token}"
export LOG_LEVEL="${LOG_LEVEL:-info}"
