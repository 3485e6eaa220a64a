/**
 * Writes public/managed_schema.json, the schema of CallBar's enterprise policy
 * (chrome.storage.managed), from the provider catalog — the same definitions as the
 * settings file (src/shared/managed-schema.ts). Vite copies public/ into dist/, where the
 * manifest's `storage.managed_schema` points.
 *
 *   npx tsx scripts/make-managed-schema.ts           write it
 *   npx tsx scripts/make-managed-schema.ts --check   exit 1 if the committed file is stale
 *
 * src/shared/managed-schema.test.ts fails when the committed file and this output differ.
 */
// First: chrome.i18n serving the default locale (zh_CN), so the catalog's labels read as in the
// extension; the schema file is written in the default locale.
import '../test/setup/i18n.ts';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROVIDER_CATALOG } from '../src/providers/catalog.ts';
import { buildManagedSchema } from '../src/shared/managed-schema.ts';

export const MANAGED_SCHEMA_PATH = fileURLToPath(new URL('../public/managed_schema.json', import.meta.url));

/** The file's exact text. */
export function managedSchemaText(): string {
  return `${JSON.stringify(buildManagedSchema(PROVIDER_CATALOG), null, 2)}\n`;
}

function main(argv: readonly string[]): number {
  const text = managedSchemaText();
  const committed = existsSync(MANAGED_SCHEMA_PATH) ? readFileSync(MANAGED_SCHEMA_PATH, 'utf8') : null;
  if (argv.includes('--check')) {
    if (committed === text) return 0;
    console.error(`${MANAGED_SCHEMA_PATH} is stale: run \`npx tsx scripts/make-managed-schema.ts\``);
    return 1;
  }
  if (committed !== text) writeFileSync(MANAGED_SCHEMA_PATH, text);
  console.log(`${committed === text ? 'unchanged' : 'wrote'} ${MANAGED_SCHEMA_PATH}`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
