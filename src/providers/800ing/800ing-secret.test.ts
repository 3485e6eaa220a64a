import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { passwordMd5 } from './800ing-secret.ts';

/** sa_password = 32-character UPPERCASE hex MD5 of the password (document 1.1, example URL). */
describe('passwordMd5', () => {
  it.each([
    // RFC 1321 test suite, upper-cased.
    ['', 'D41D8CD98F00B204E9800998ECF8427E'],
    ['abc', '900150983CD24FB0D6963F7D28E17F72'],
    ['message digest', 'F96B697D7CB7938D525A2F31AAF161D0'],
    // The document's test user's password (digest computed with node:crypto).
    ['02367073578', 'CBCA51A420DD10423A9ACC4DB8041D5A'],
    ['123456', 'E10ADC3949BA59ABBE56E057F20F883E'],
    // UTF-8, not UTF-16 or Latin-1.
    ['中文密码', createHash('md5').update('中文密码', 'utf8').digest('hex').toUpperCase()],
  ])('md5(%j) = %s', (password, digest) => {
    expect(passwordMd5(password)).toBe(digest);
  });

  it('the document\'s example digest (92868F14…) is NOT md5 of its printed test password: it cannot serve as a vector', () => {
    // The example URL's sa_password belongs to some other password; the printed one hashes differently.
    expect(passwordMd5('02367073578')).not.toBe('92868F142BE5DD78DD0ACF4370B4EB94');
  });

  it.each(['x', ' 123456 ', 'P@ssw0rd!', 'a'.repeat(1000), 'x'.repeat(55), 'x'.repeat(56)])('agrees with node:crypto for %j (spaces kept)', (password) => {
    expect(passwordMd5(password)).toBe(createHash('md5').update(password, 'utf8').digest('hex').toUpperCase());
  });

  it('is always 32 uppercase hex characters and never the password', () => {
    for (const password of ['', '02367073578', 'abcdef', 'ABCDEF0123456789ABCDEF0123456789']) {
      expect(passwordMd5(password)).toMatch(/^[0-9A-F]{32}$/);
      expect(passwordMd5(password)).not.toBe(password);
    }
  });
});
