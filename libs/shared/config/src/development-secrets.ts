/**
 * The secrets the local scripts and docker-compose fill in when a variable is
 * missing (scripts/lib/env.sh, docker-compose.yml). They are fine on a
 * developer's machine and a disaster anywhere else: a production process
 * that silently encrypted tenant secrets with the key printed in our
 * repository. Outside local development, such a value stops the process.
 */
export const DEVELOPMENT_SECRET_VALUES: Readonly<Record<string, readonly string[]>> = {
  SECRETS_ENCRYPTION_KEY: ['bG9jYWwtZGV2LW9ubHktZW5jcnlwdGlvbi1rZXkhISE=', 'bG9jYWwtZGV2LW9ubHktbm90LWEtcmVhbC1rZXkhISE='],
  ADMIN_API_TOKEN: ['local-admin-token-change-me', 'local-dev-admin-token-change-me'],
  PLATFORM_APP_SECRETS: ['local-platform-app-secret'],
  PLATFORM_VERIFY_TOKEN: ['local-platform-verify-token', 'local-dev-verify-token'],
  INTAKE_RECORD_KEYS: ['local-dev-only-intake-record-key-change-me', 'local-dev-intake-record-key-change-me-0123'],
};

/** Anything marked as a placeholder is one too, whatever the variable. */
const PLACEHOLDER = /(change-?me|local-dev|dev-only)/i;

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[?::1\]?)$/i;

/** Local development: not production, and the database and every broker on this machine. */
export function isLocalDevelopment(env: { nodeEnv: string; databaseUrl: string; brokers: readonly string[] }): boolean {
  if (env.nodeEnv === 'production') return false;
  const hosts = [hostOf(env.databaseUrl), ...env.brokers.map((b) => b.replace(/:\d+$/, ''))];
  return hosts.every((h) => h !== undefined && LOOPBACK.test(h));
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/** The variables holding a development value (never the values: they are secrets, even these). */
export function developmentSecretsIn(env: Record<string, string | undefined>): string[] {
  return Object.keys(DEVELOPMENT_SECRET_VALUES).filter((name) => {
    const value = env[name];
    if (!value) return false;
    const parts = value.split(',').map((v) => v.trim());
    return parts.some((p) => (DEVELOPMENT_SECRET_VALUES[name] ?? []).includes(p) || PLACEHOLDER.test(p));
  });
}
