import { parseEgressAllowEntry } from '@wahooks/config';

import { EgressPolicy } from './egress-policy';
import { checkOutboundUrl } from './outbound-url';

const policyOf = (allow: string) => EgressPolicy.parse(allow);

describe('EGRESS_ALLOW entries', () => {
  it.each([
    ['10.0.0.0/8', { kind: 'net', address: '10.0.0.0', prefix: 8, port: undefined }],
    ['127.0.0.1:8080', { kind: 'net', address: '127.0.0.1', prefix: 32, port: 8080 }],
    ['10.1.0.0/16:443', { kind: 'net', address: '10.1.0.0', prefix: 16, port: 443 }],
    ['::1', { kind: 'net', address: '::1', prefix: 128, port: undefined }],
    ['fd00::/8', { kind: 'net', address: 'fd00::', prefix: 8, port: undefined }],
    ['[::1]:8080', { kind: 'net', address: '::1', prefix: 128, port: 8080 }],
    ['[fd00::/64]:443', { kind: 'net', address: 'fd00::', prefix: 64, port: 443 }],
    [' SMS-Gateway.internal ', { kind: 'host', host: 'sms-gateway.internal', port: undefined }],
    ['minio:9000', { kind: 'host', host: 'minio', port: 9000 }],
    ['localhost.', { kind: 'host', host: 'localhost', port: undefined }],
  ])('%s', (raw, entry) => {
    expect(parseEgressAllowEntry(raw)).toEqual(entry);
  });

  it('stops on a bad entry', () => {
    expect(() => EgressPolicy.parse('10.0.0.0/8,10.0.0.0/40')).toThrow(/EGRESS_ALLOW: "10.0.0.0\/40": prefix length/);
  });

  it.each(['10.0.0.0/33', 'fd00::/129', 'host:0', 'host:70000', 'host:x', '[example.com]:80', 'a b', '1.2.3', 'http://x', '10.0.0.1/8/8', '::1:8080x'])('refuses %s', (raw) => {
    expect(typeof parseEgressAllowEntry(raw)).toBe('string');
  });
});

describe('EgressPolicy', () => {
  it('passes public addresses and refuses internal ones, naming the range', () => {
    const p = policyOf('');
    expect(p.verdict({ host: 'example.com', port: 443 }, '93.184.216.34')).toEqual({ allowed: true, why: 'public' });
    expect(p.verdict({ host: 'example.com', port: 443 }, '127.0.0.1')).toEqual({ allowed: false, range: 'loopback' });
    expect(p.verdict({ host: '169.254.169.254', port: 80 }, '169.254.169.254')).toEqual({ allowed: false, range: 'link-local' });
    expect(p.verdict({ host: 'x', port: 80 }, '::ffff:10.0.0.1')).toEqual({ allowed: false, range: 'private' });
    expect(p.verdict({ host: 'x', port: 80 }, 'not-an-address')).toEqual({ allowed: false, range: 'reserved' });
  });

  it('passes what EGRESS_ALLOW names: networks, addresses on a port, host names whatever they resolve to', () => {
    const p = policyOf('10.20.0.0/16,127.0.0.1:8080,[::1]:8080,sms-gateway.internal:8443,minio');
    expect(p.verdict({ host: 'svc', port: 1 }, '10.20.3.4').allowed).toBe(true);
    expect(p.verdict({ host: 'svc', port: 1 }, '10.21.3.4').allowed).toBe(false);
    expect(p.verdict({ host: '127.0.0.1', port: 8080 }, '127.0.0.1').allowed).toBe(true);
    expect(p.verdict({ host: '127.0.0.1', port: 8081 }, '127.0.0.1')).toEqual({ allowed: false, range: 'loopback' });
    // The IPv4-mapped form of an allowed address is that address.
    expect(p.verdict({ host: '::ffff:7f00:1', port: 8080 }, '::ffff:7f00:1').allowed).toBe(true);
    expect(p.verdict({ host: '::1', port: 8080 }, '::1').allowed).toBe(true);
    expect(p.verdict({ host: 'sms-gateway.internal', port: 8443 }, '10.9.9.9').allowed).toBe(true);
    expect(p.verdict({ host: 'SMS-GATEWAY.internal.', port: 8443 }, '10.9.9.9').allowed).toBe(true);
    expect(p.verdict({ host: 'sms-gateway.internal', port: 443 }, '10.9.9.9').allowed).toBe(false);
    expect(p.verdict({ host: 'minio', port: 9000 }, '172.18.0.5').allowed).toBe(true);
    // A name is not its address: localhost is not 127.0.0.1:8080's name.
    expect(p.verdict({ host: 'localhost', port: 8081 }, '127.0.0.1').allowed).toBe(false);
    expect(p.allowListed({ host: '127.0.0.1', port: 8080 })).toBe(true);
    expect(p.allowListed({ host: 'localhost', port: 8080 })).toBe(false);
    expect(p.allowListed({ host: '[::1]', port: 8080 })).toBe(true);
  });
});

describe('checkOutboundUrl', () => {
  const p = policyOf('127.0.0.1:9000,alerts.internal');
  const prod = { allowPlainHttp: false };
  const dev = { allowPlainHttp: true };
  const reason = (url: string, rules = prod) => {
    const c = checkOutboundUrl(url, p, rules);
    return c.ok ? 'ok' : c.reason;
  };

  it('accepts https to a public host, and http only in development or to what EGRESS_ALLOW names', () => {
    expect(reason('https://hooks.example.com/alerts')).toBe('ok');
    expect(reason('https://93.184.216.34/alerts')).toBe('ok');
    expect(reason('http://hooks.example.com/alerts')).toBe('scheme');
    expect(reason('http://hooks.example.com/alerts', dev)).toBe('ok');
    expect(reason('http://127.0.0.1:9000/alerts')).toBe('ok');
    expect(reason('http://alerts.internal/x')).toBe('ok');
    expect(reason('ftp://hooks.example.com/')).toBe('scheme');
    expect(reason('not a url')).toBe('invalid');
  });

  it('refuses credentials in the URL', () => {
    expect(reason('https://user:pw@hooks.example.com/')).toBe('credentials');
    expect(reason('https://user@hooks.example.com/')).toBe('credentials');
  });

  it.each([
    'https://169.254.169.254/latest/meta-data/',
    'http://169.254.169.254/latest/meta-data/',
    'https://127.0.0.1/',
    'https://127.0.0.1:9001/',
    'https://2130706433/',
    'https://0x7f.1/',
    'https://[::1]/',
    'https://[::ffff:127.0.0.1]/',
    'https://[::ffff:a9fe:a9fe]/',
    'https://10.0.0.5/',
    'https://192.168.1.1/',
    'https://100.64.0.1/',
    'https://[fd00::1]/',
    'https://[fe80::1]/',
    'https://0.0.0.0/',
    'https://224.0.0.1/',
    'https://192.0.2.1/',
  ])('refuses the internal address literal %s', (url) => {
    expect(reason(url, dev)).toBe('internal-address');
  });

  it('says which kind of address, and leaves host names to the connect-time check', () => {
    expect(checkOutboundUrl('https://169.254.169.254/', p, prod)).toMatchObject({ ok: false, message: expect.stringContaining('link-local') });
    expect(reason('https://localhost/')).toBe('ok');
  });
});
