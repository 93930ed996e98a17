import { classifyIp, formatIp, IpRange, parseIp } from './ip-range';

/** The host a fetch of `url` connects to, as the WHATWG URL parser leaves it (what the agent is given). */
const hostOf = (url: string) => new URL(url).hostname;

describe('classifyIp', () => {
  it.each<[string, IpRange]>([
    // IPv4
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.254', 'cgnat'],
    ['100.128.0.1', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['172.15.255.255', 'public'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.10', 'documentation'],
    ['192.88.99.1', 'reserved'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'reserved'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['8.8.8.8', 'public'],
    ['157.240.1.35', 'public'],
    // IPv6
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['2001::1', 'reserved'],
    ['100::1', 'reserved'],
    ['64:ff9b:1::1', 'private'],
    ['::2', 'reserved'],
    ['4000::1', 'reserved'],
    ['2a03:2880:f10c:83:face:b00c:0:25de', 'public'],
    ['2606:4700:4700::1111', 'public'],
    // IPv4 carried in IPv6: judged by the IPv4 address it reaches.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['[::ffff:127.0.0.1]', 'loopback'],
    ['0:0:0:0:0:ffff:169.254.169.254', 'link-local'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:8.8.8.8', 'public'],
    ['::127.0.0.1', 'loopback'],
    ['::7f00:1', 'loopback'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b::8.8.8.8', 'public'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:a9fe:a9fe::1', 'link-local'],
    ['2002:808:808::1', 'public'],
  ])('%s is %s', (address, range) => {
    expect(classifyIp(address)).toBe(range);
  });

  it.each(['example.com', 'localhost', '2130706433', '0x7f.1', '0177.0.0.1', '127.1', '1.2.3.4.5', '', '::ffff:1.2.3', '1::2::3'])('%s is not an address', (text) => {
    expect(parseIp(text)).toBeUndefined();
    expect(classifyIp(text)).toBeUndefined();
  });

  // The address spellings of the URL parser: fetch connects to what it leaves, and that is what the agent checks.
  it.each<[string, string, IpRange]>([
    ['http://2130706433/', '127.0.0.1', 'loopback'],
    ['http://0x7f.1/', '127.0.0.1', 'loopback'],
    ['http://0177.0.0.1/', '127.0.0.1', 'loopback'],
    ['http://0x7f000001/', '127.0.0.1', 'loopback'],
    ['http://017700000001/', '127.0.0.1', 'loopback'],
    ['http://127.1/', '127.0.0.1', 'loopback'],
    ['http://0/', '0.0.0.0', 'unspecified'],
    ['http://%31%32%37.0.0.1/', '127.0.0.1', 'loopback'],
    ['http://127.0.0.1./', '127.0.0.1', 'loopback'],
    ['http://2852039166/latest/meta-data/', '169.254.169.254', 'link-local'],
    ['http://0xa9.0xfe.0xa9.0xfe/', '169.254.169.254', 'link-local'],
    ['http://[::1]:8080/', '[::1]', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', '[::ffff:7f00:1]', 'loopback'],
    ['http://[0:0:0:0:0:ffff:169.254.169.254]/', '[::ffff:a9fe:a9fe]', 'link-local'],
    ['http://[::127.0.0.1]/', '[::7f00:1]', 'loopback'],
  ])('%s reaches %s, %s', (url, host, range) => {
    expect(hostOf(url)).toBe(host);
    expect(classifyIp(hostOf(url))).toBe(range);
  });

  it('writes addresses canonically', () => {
    expect(formatIp(parseIp('0:0:0:0:0:ffff:169.254.169.254')!)).toBe('::ffff:a9fe:a9fe');
    expect(formatIp(parseIp('2001:0db8:0000::0001')!)).toBe('2001:db8::1');
    expect(formatIp(parseIp('10.0.0.1')!)).toBe('10.0.0.1');
  });
});
