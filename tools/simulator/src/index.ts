/**
 * What other tools use of the simulator (the bench's pipeline suite): the
 * traffic and its oracle, the pipeline as child processes with the fakes it
 * calls, the Meta-like sender and the comparison with the oracle. Imported as
 * `@wahooks/simulator`; only bench/ may (eslint.config.mjs).
 */
export { checkSms, type SmsCheck } from './chaos-plan';
export { DEFAULT_GENERATE, generate } from './generate';
export { INBOUND_KINDS } from './inbound-messages';
export type { Credentials, Delivery, GenerateOptions, Oracle, Plan } from './plan.types';
export { provisionTenants } from './provision';
export type { Service } from './read-api';
export { dueTimes, sendPlan, type SendReport, type Settled } from './sender';
export { Suite } from './suite';
export { compareOnce, summarize, type Difference, type VerifyOptions, type VerifyReport } from './verify';
