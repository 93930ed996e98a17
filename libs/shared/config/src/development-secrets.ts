/**
 * The secrets the local scripts and docker-compose fill in when a variable is
 * missing (scripts/lib/env.sh, docker-compose.yml). They are fine on a
 * developer's machine and a disaster anywhere else: a production process
 * that silently encrypted tenant secrets with the key printed in our
 * repository. Outside local development, such a value of a secret the
 * process reads (a variable its sections mark secret) stops it.
 */
export const DEVELOPMENT_SECRET_VALUES: Readonly<Record<string, readonly string[]>> = {
  SECRETS_ENCRYPTION_KEY: ['bG9jYWwtZGV2LW9ubHktZW5jcnlwdGlvbi1rZXkhISE=', 'bG9jYWwtZGV2LW9ubHktbm90LWEtcmVhbC1rZXkhISE='],
  ADMIN_API_TOKEN: ['local-admin-token-change-me', 'local-dev-admin-token-change-me'],
  PLATFORM_APP_SECRETS: ['local-platform-app-secret'],
  PLATFORM_VERIFY_TOKEN: ['local-platform-verify-token', 'local-dev-verify-token'],
  INTAKE_RECORD_KEYS: ['local-dev-only-intake-record-key-change-me', 'local-dev-intake-record-key-change-me-0123'],
};

/** Anything marked as a placeholder is one too, whatever the secret (the CHANGE-ME values of k8s/base/secret.example.yaml). */
const PLACEHOLDER = /(change-?me|local-dev|dev-only)/i;

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[?::1\]?)$/i;

/** Local development: not production, and every host the process connects to (database, brokers) on this machine. */
export function isLocalDevelopment(env: { nodeEnv: string; hosts: readonly string[] }): boolean {
  if (env.nodeEnv === 'production') return false;
  return env.hosts.every((h) => LOOPBACK.test(h.replace(/:\d+$/, '')));
}

/**
 * Of the secrets `names` (by default those with known development values),
 * the ones holding a development value (never the values: they are secrets,
 * even these). A comma list is one if any of its values is.
 */
export function developmentSecretsIn(env: Record<string, string | undefined>, names: readonly string[] = Object.keys(DEVELOPMENT_SECRET_VALUES)): string[] {
  return names.filter((name) => {
    const value = env[name];
    if (!value) return false;
    const parts = value.split(',').map((v) => v.trim());
    return parts.some((p) => (DEVELOPMENT_SECRET_VALUES[name] ?? []).includes(p) || PLACEHOLDER.test(p));
  });
}
