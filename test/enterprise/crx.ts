/**
 * Key, extension id and CRX3 packing for the enterprise probe.
 * - key: a fresh 2048-bit RSA key from openssl (PKCS#8 PEM, what --pack-extension-key reads);
 * - id: sha256 of the DER SubjectPublicKeyInfo, first 32 hex digits mapped 0-f -> a-p;
 * - CRX3: Chromium's own packer (`chromium --pack-extension=<dir> --pack-extension-key=<pem>`).
 */
import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

export function generateKey(pemPath: string): void {
  execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', pemPath], { stdio: 'ignore' });
}

/** The extension id Chromium derives from the key's public half. */
export function extensionIdFromKey(pemPath: string): string {
  const spki = createPublicKey(readFileSync(pemPath)).export({ type: 'spki', format: 'der' });
  const hex = createHash('sha256').update(spki).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode('a'.charCodeAt(0) + parseInt(c, 16))).join('');
}

/** Packs `dir` into `<dir>.crx` (CRX3) with Chromium; returns the .crx path. */
export function packExtension(chromium: string, dir: string, pemPath: string, scratchProfile: string): string {
  const crx = `${dir}.crx`;
  execFileSync(chromium, ['--no-sandbox', '--disable-gpu', `--user-data-dir=${scratchProfile}`, `--pack-extension=${dir}`, `--pack-extension-key=${pemPath}`], {
    stdio: 'ignore',
    timeout: 60_000,
  });
  if (!existsSync(crx)) throw new Error(`chromium --pack-extension did not write ${crx}`);
  const magic = readFileSync(crx).subarray(0, 8);
  if (magic.subarray(0, 4).toString('latin1') !== 'Cr24' || magic.readUInt32LE(4) !== 3) throw new Error(`${crx} is not a CRX3 file`);
  return crx;
}
