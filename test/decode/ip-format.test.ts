import { describe, expect, it } from 'vitest';
import { formatIp } from '../../src/decode/ip-format.js';
import { ip4, ip6 } from './build.js';

const v6 = (groups: number[]) => formatIp(6, ...ip6(groups));

describe('formatIp', () => {
  it('IPv4 dotted quad from an unsigned word', () => {
    expect(formatIp(4, ip4('192.0.2.1'), 0, 0, 0)).toBe('192.0.2.1');
    expect(formatIp(4, 0xffffffff, 0, 0, 0)).toBe('255.255.255.255');
    expect(formatIp(4, 0, 0, 0, 0)).toBe('0.0.0.0');
    expect(formatIp(4, -1, 0, 0, 0)).toBe('255.255.255.255');
  });

  it('RFC 5952 §4.1: no leading zeros; §4.3: lowercase', () => {
    expect(v6([0x2001, 0x0db8, 0xaaaa, 0xbbbb, 0xcccc, 0xdddd, 0xeeee, 0x0001])).toBe('2001:db8:aaaa:bbbb:cccc:dddd:eeee:1');
    expect(v6([0x2001, 0xdb8, 0, 0, 0, 0, 0xabcd, 0xef01]).includes('ABCD')).toBe(false);
  });

  it('RFC 5952 §4.2.1: the longest run is shortened as much as possible', () => {
    expect(v6([0x2001, 0xdb8, 0, 0, 0, 0, 2, 1])).toBe('2001:db8::2:1');
    expect(v6([0, 0, 0, 0, 0, 0, 0, 0])).toBe('::');
    expect(v6([0, 0, 0, 0, 0, 0, 0, 1])).toBe('::1');
    expect(v6([0xfe80, 0, 0, 0, 0, 0, 0, 0])).toBe('fe80::');
  });

  it('RFC 5952 §4.2.2: a single zero group is not shortened', () => {
    expect(v6([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1])).toBe('2001:db8:0:1:1:1:1:1');
  });

  it('RFC 5952 §4.2.3: the longest run wins, the first on a tie', () => {
    expect(v6([0x2001, 0, 0, 1, 0, 0, 0, 1])).toBe('2001:0:0:1::1');
    expect(v6([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1])).toBe('2001:db8::1:0:0:1');
  });

  it('RFC 5952 §5: IPv4-mapped addresses in mixed notation', () => {
    expect(v6([0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0280])).toBe('::ffff:192.0.2.128');
    // not mapped: the ffff is elsewhere
    expect(v6([0, 0, 0, 0, 0xffff, 0, 0xc000, 0x0280])).toBe('::ffff:0:c000:280');
  });
});
