import { Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { ConfigModule } from './config.module';
import { loadConfig } from './load-config';
import { StallConfig, stallSection } from './stall.config';
import { adminApiSection } from './tenancy.config';

@Injectable()
class ReadsStall {
  constructor(@Inject(stallSection.token) readonly stall: StallConfig) {}
}

@Module({ providers: [ReadsStall] })
class StallFeature {}

const boot = (sections: Parameters<typeof ConfigModule.forRoot>[1], config: object = loadConfig([stallSection, adminApiSection], { ADMIN_API_TOKEN: 'an-admin-token-of-sufficient-length' })) =>
  NestFactory.createApplicationContext({ module: class App {}, imports: [ConfigModule.forRoot(config, sections), StallFeature] }, { logger: false, abortOnError: false });

describe('ConfigModule', () => {
  it('provides each composed section by its token, to every module', async () => {
    const app = await boot([stallSection]);
    expect(app.get(ReadsStall).stall.scanIntervalMs).toBe(30_000);
    expect(app.get(stallSection.token)).toBe(app.get(ReadsStall).stall);
    await app.close();
  });

  it('provides no section the app does not compose: a provider that needs one stops the start, naming its token', async () => {
    // The configuration holds the stall section (as the test kit's holds every one); the app composes only adminApi.
    await expect(boot([adminApiSection])).rejects.toThrow(/config:stall/);
  });

  it('refuses a section the configuration was not loaded with', () => {
    expect(() => ConfigModule.forRoot(loadConfig([adminApiSection], { ADMIN_API_TOKEN: 'an-admin-token-of-sufficient-length' }), [stallSection])).toThrow(
      /the configuration has no section stall/,
    );
  });
});
