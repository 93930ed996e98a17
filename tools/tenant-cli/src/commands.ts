import { TenantAdminService } from '@wahooks/tenancy';

export interface CliOptions {
  secret?: string[];
  'verify-token'?: string;
  waba?: string[];
  phone?: string[];
  name?: string;
  label?: string;
}

export class UsageError extends Error {}

function need(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}

/** Maps a command line to one TenantAdminService call. */
export async function runCommand(tenants: TenantAdminService, args: string[], opts: CliOptions): Promise<unknown> {
  const [command, id, extra] = args;
  switch (command) {
    case 'create':
      return tenants.create({
        id: need(id, 'tenant id'),
        ...(opts.name ? { name: opts.name } : {}),
        verifyToken: need(opts['verify-token'], '--verify-token'),
        appSecrets: opts.secret ?? [],
        wabaIds: opts.waba ?? [],
        phoneNumberIds: opts.phone ?? [],
      });
    case 'list':
      return tenants.list();
    case 'show':
      return tenants.get(need(id, 'tenant id'));
    case 'add-secret':
      return tenants.addAppSecret(need(id, 'tenant id'), need(opts.secret?.[0], '--secret'), opts.label ?? 'rotation');
    case 'revoke-secret':
      await tenants.revokeAppSecret(need(id, 'tenant id'), need(extra, 'secret id'));
      return { revoked: extra };
    case 'add-routes':
      return tenants.addRoutes(need(id, 'tenant id'), opts.waba ?? [], opts.phone ?? []);
    case 'set-verify-token':
      return tenants.update(need(id, 'tenant id'), { verifyToken: need(extra, 'token') });
    case 'disable':
    case 'enable':
      return tenants.update(need(id, 'tenant id'), { disabled: command === 'disable' });
    case 'create-api-key':
      return tenants.createApiKey(need(id, 'tenant id'), need(extra, 'key name'));
    case 'revoke-api-key':
      await tenants.revokeApiKey(need(id, 'tenant id'), need(extra, 'key id'));
      return { revoked: extra };
    default:
      throw new UsageError(
        'usage: tenants <create|list|show|add-secret|revoke-secret|add-routes|set-verify-token|disable|enable|create-api-key|revoke-api-key> …',
      );
  }
}
