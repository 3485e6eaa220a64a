import { md5 } from '@noble/hashes/legacy.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/**
 * `sa_password` (cloud API) and `pass` (desktop client login, type 2001): the 32-character
 * UPPERCASE hex MD5 of the agent's password, UTF-8 (document 1.1 基础参数 “校验密码 32 位 MD5 码”;
 * the example URL shows it in upper case). The password itself is never sent anywhere.
 */
export function passwordMd5(password: string): string {
  return bytesToHex(md5(utf8ToBytes(password))).toUpperCase();
}
