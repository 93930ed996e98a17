import { egressSection } from './egress.config';
import { ConfigError, loadConfig } from './load-config';

const valid = {};
const load = (env: Record<string, string>) => loadConfig([egressSection], env);

describe('EGRESS_ALLOW', () => {
  it('is empty unless set: nothing internal is reachable', () => {
    expect(load(valid).egress.allow).toEqual([]);
    expect(load({ ...valid, EGRESS_ALLOW: '' }).egress.allow).toEqual([]);
  });

  it('parses networks, addresses and host names, each on any port or one', () => {
    expect(load({ ...valid, EGRESS_ALLOW: '10.20.0.0/16, 127.0.0.1:8080,[::1]:9000,sms-gateway.internal:8443' }).egress.allow).toEqual([
      { kind: 'net', address: '10.20.0.0', prefix: 16, port: undefined },
      { kind: 'net', address: '127.0.0.1', prefix: 32, port: 8080 },
      { kind: 'net', address: '::1', prefix: 128, port: 9000 },
      { kind: 'host', host: 'sms-gateway.internal', port: 8443 },
    ]);
  });

  it('stops the service on a bad entry, naming it', () => {
    expect(() => load({ ...valid, EGRESS_ALLOW: '10.0.0.0/8,10.0.0.0/99,host:0' })).toThrow(ConfigError);
    expect(() => load({ ...valid, EGRESS_ALLOW: '10.0.0.0/99' })).toThrow(/EGRESS_ALLOW: "10.0.0.0\/99": prefix length must be 0-32/);
    expect(() => load({ ...valid, EGRESS_ALLOW: 'host:0' })).toThrow(/EGRESS_ALLOW: "host:0": port must be 1-65535/);
  });
});
