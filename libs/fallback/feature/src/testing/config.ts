import { FallbackConfig, fallbackSection, loadConfig } from '@wahooks/config';

/** The fallback section read from these variables, for unit tests (no environment read). */
export function testConfigFor(fallbackEnv: Record<string, string>): FallbackConfig {
  return loadConfig([fallbackSection], fallbackEnv).fallback;
}
