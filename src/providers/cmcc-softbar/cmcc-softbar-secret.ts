import { md5 } from '@noble/hashes/legacy.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** secret = 32-character lowercase hex MD5 of the agent's 800 number (document, 备注 1/2). */
export function softbarSecret(extension: string): string {
  return bytesToHex(md5(utf8ToBytes(extension)));
}
