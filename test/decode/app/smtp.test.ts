import { describe, expect, it } from 'vitest';
import { identifySmtp, isTwoTwentyGreeting } from '../../../src/decode/app/smtp.js';
import { bytes, ftpBanner, smtpBanner, smtpEhlo, smtpMultiBanner } from './support/samples.js';

describe('identifySmtp', () => {
  it('recognises EHLO and HELO from the client', () => {
    expect(identifySmtp(smtpEhlo, true)).toEqual({ detail: 'EHLO' });
    expect(identifySmtp(bytes('helo relay\r\n'), true)).toEqual({ detail: 'HELO' });
  });

  it('recognises a 220 greeting that names (E)SMTP', () => {
    expect(identifySmtp(smtpBanner, false)).toEqual({ detail: 'banner' });
    expect(identifySmtp(smtpMultiBanner, false)).toEqual({ detail: 'banner' });
  });

  it('leaves FTP and bare greetings to the port tie-breaker', () => {
    expect(identifySmtp(ftpBanner, false)).toBeNull();
    expect(identifySmtp(bytes('220 mx1.wfo.example\r\n'), false)).toBeNull();
    expect(isTwoTwentyGreeting(bytes('220 mx1.wfo.example\r\n'))).toBe(true);
    expect(isTwoTwentyGreeting(bytes('220 \x01\x02'))).toBe(false);
    expect(isTwoTwentyGreeting(ftpBanner)).toBe(false);
    expect(isTwoTwentyGreeting(bytes('220 ProFTPD Server ready\r\n'))).toBe(false);
    expect(isTwoTwentyGreeting(bytes('220 vsFTPd 3.0.3\r\n'))).toBe(false);
  });

  it('rejects other replies and commands, and commands from the server', () => {
    expect(identifySmtp(bytes('250 ok\r\n'), false)).toBeNull();
    expect(identifySmtp(bytes('EHLOX\r\n'), true)).toBeNull();
    expect(identifySmtp(smtpEhlo, false)).toBeNull();
    expect(identifySmtp(smtpBanner, true)).toBeNull();
  });
});
