import { describe, expect, it } from 'vitest';
import { phoneAccountKey, validDtmf } from './softphone.ts';

describe('DTMF digits the phone sends', () => {
  it.each(['1', '0123456789', '*#', 'ABCD', '1,2', '#'.repeat(32)])('accepts %s', (digits) => {
    expect(validDtmf(digits)).toBe(true);
  });
  it.each(['', 'a', 'E', '1 2', '1-2', '+86', '１', '#'.repeat(33), '1\n2'])('refuses %j', (digits) => {
    expect(validDtmf(digits)).toBe(false);
  });
});

describe('phoneAccountKey', () => {
  it('names the server and the account, never the password', () => {
    const key = phoneAccountKey({ wsUrl: 'wss://pbx/ws', uri: 'sip:1001@pbx', authUser: 'a' });
    expect(key).toBe('wss://pbx/ws sip:1001@pbx a');
    expect(phoneAccountKey({ wsUrl: 'wss://pbx/ws', uri: 'sip:1001@pbx', password: 'secret' } as never)).not.toContain('secret');
  });
});
