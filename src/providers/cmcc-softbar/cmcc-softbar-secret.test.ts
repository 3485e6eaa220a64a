import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { softbarSecret } from './cmcc-softbar-secret.ts';

/** secret = 32-character lowercase hex MD5 of the 800 number (document, 备注 1/2). */
describe('softbarSecret', () => {
  it.each([
    // Digests computed once with `node -e "crypto.createHash('md5').update(s).digest('hex')"`.
    ['8001', 'bc3c4a6331a8a9950945a1aa8c95ab8a'],
    ['800123456', 'd95113b3b7f71bb59f52585a4bb01cd6'],
    // RFC 1321 test suite.
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    // UTF-8, not UTF-16 or Latin-1.
    ['中文', 'a7bac2239fcdcb3a067903d8077c4a07'],
  ])('md5(%j) = %s', (input, digest) => {
    expect(softbarSecret(input)).toBe(digest);
  });

  it.each(['8001', '8002', '13912345678', '0', '00000000000000000000', '8'.repeat(64), 'a'.repeat(1000), 'x'.repeat(55), 'x'.repeat(56)])(
    'agrees with node:crypto for %j',
    (input) => {
      expect(softbarSecret(input)).toBe(createHash('md5').update(input, 'utf8').digest('hex'));
    },
  );

  it.each(['8001', '', '99999999999999999999'])('is 32 lowercase hex characters for %j', (input) => {
    expect(softbarSecret(input)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('differs between neighbouring 800 numbers', () => {
    expect(softbarSecret('8001')).not.toBe(softbarSecret('8002'));
  });
});
