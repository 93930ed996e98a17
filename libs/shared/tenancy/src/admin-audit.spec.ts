import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';

import { adminApiSection, ConfigModule, loadConfig } from '@wahooks/config';

import { auditAdminCalls } from './admin-audit';
import { TenantAdminService } from './tenant-admin.service';
import { TenantAdminApiModule } from './tenancy.module';
import { TenancyError } from './tenant.types';

const TOKEN = 'the-admin-bearer-token-0123456789';
const APP_SECRET = 'meta-app-secret-that-must-never-be-logged';
const VERIFY_TOKEN = 'verify-token-that-must-never-be-logged';
const API_KEY = 'whk_abcd1234_api-key-shown-once-never-logged';

/** The service the API fronts, without a database: the audit line is what is under test. */
const service = {
  create: async (input: { id: string }) => ({ id: input.id, name: input.id, disabled: false, wabaIds: [], phoneNumberIds: [], appSecrets: [], apiKeys: [], createdAt: new Date(0) }),
  createApiKey: async () => ({ id: 'key-1', apiKey: API_KEY }),
  get: async (id: string) => {
    throw new TenancyError('TENANT_NOT_FOUND', `tenant ${id} does not exist`);
  },
} as unknown as TenantAdminService;

describe('the admin audit log', () => {
  let app: NestFastifyApplication;
  const lines: string[] = [];

  beforeAll(async () => {
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    // The admin API needs the admin token and nothing else of the configuration.
    const config = loadConfig([adminApiSection], { ADMIN_API_TOKEN: TOKEN });
    const module = { module: class AuditTestModule {}, imports: [ConfigModule.forRoot(config, [adminApiSection]), TenantAdminApiModule.over(service)] };
    app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), { logger: false });
    app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
    auditAdminCalls(app.getHttpAdapter().getInstance(), logger);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app.close();
  });

  /** One call and the one line it wrote. */
  const call = async (method: 'GET' | 'POST', url: string, body?: object, token: string | undefined = TOKEN) => {
    lines.length = 0;
    const res = await app.getHttpAdapter().getInstance().inject({
      method,
      url,
      remoteAddress: '10.1.2.3',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body ? { payload: JSON.stringify(body) } : {}),
    });
    expect(lines).toHaveLength(1);
    const line = lines[0] as string;
    return { status: res.statusCode, body: res.body, line, audit: JSON.parse(line) as { level: number; msg: string; audit: Record<string, unknown> } };
  };
  const creating = { id: 'acme', verifyToken: VERIFY_TOKEN, appSecrets: [APP_SECRET] };

  it('logs a tenant created with a secret at info: who, what, which tenant, the outcome, and no secret', async () => {
    const { status, line, audit } = await call('POST', '/admin/tenants', creating);
    expect(status).toBe(201);
    expect(audit.level).toBe(30);
    expect(audit.msg).toBe('admin call');
    expect(audit.audit).toEqual({ principal: 'admin', ip: '10.1.2.3', method: 'POST', route: '/admin/tenants', action: 'tenant.create', tenant: 'acme', status: 201, ms: expect.any(Number) });
    for (const secret of [APP_SECRET, VERIFY_TOKEN, TOKEN]) expect(line).not.toContain(secret);
  });

  it('logs a refused call as fully, with no principal, and without the token it was refused', async () => {
    const wrong = 'a-wrong-token-someone-tried-0123';
    const { status, line, audit } = await call('POST', '/admin/tenants', creating, wrong);
    expect(status).toBe(401);
    expect(audit.audit).toMatchObject({ principal: null, action: 'tenant.create', tenant: 'acme', status: 401 });
    for (const secret of [APP_SECRET, VERIFY_TOKEN, wrong]) expect(line).not.toContain(secret);
  });

  it('never logs the API key it hands out once', async () => {
    const { status, body, line, audit } = await call('POST', '/admin/tenants/acme/api-keys', { name: 'crm' });
    expect(status).toBe(201);
    expect(body).toContain(API_KEY);
    expect(audit.audit).toMatchObject({ principal: 'admin', route: '/admin/tenants/:id/api-keys', action: 'api-key.create', tenant: 'acme', status: 201 });
    expect(line).not.toContain(API_KEY);
  });

  it('logs invalid input, a refused operation and an admin path nobody routes', async () => {
    expect((await call('POST', '/admin/tenants', { ...creating, id: 'Bad Id!' })).audit.audit).toMatchObject({ action: 'tenant.create', status: 400 });
    expect((await call('GET', '/admin/tenants/ghost')).audit.audit).toMatchObject({ action: 'tenant.get', tenant: 'ghost', status: 404 });
    expect((await call('GET', '/admin/secrets?token=x')).audit.audit).toMatchObject({ principal: null, route: '/admin/secrets', action: null, tenant: null, status: 404 });
  });
});
