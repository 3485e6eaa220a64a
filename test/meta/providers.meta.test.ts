/**
 * The provider convention (src/providers/provider.ts, registry.ts): one folder per
 * provider, named by its id, registered in ids.ts, registry.ts and catalog.ts, with an
 * info file, a pure mapper with its table test, and a doc page.
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROVIDER_CATALOG } from '../../src/providers/catalog.ts';
import { PROVIDERS } from '../../src/providers/registry.ts';
import { PROVIDER_IDS } from '../../src/shared/ids.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROVIDERS_DIR = `${ROOT}src/providers`;

const folders = readdirSync(PROVIDERS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

const registered = (ids: Iterable<string>) => [...ids].sort();

describe('provider registration', () => {
  it('there is at least one provider folder', () => {
    expect(folders.length).toBeGreaterThan(0);
  });

  it('the provider folders are exactly PROVIDER_IDS', () => {
    expect(registered(PROVIDER_IDS)).toEqual(folders);
  });

  it('the provider folders are exactly the keys of PROVIDERS (registry.ts)', () => {
    expect(registered(Object.keys(PROVIDERS))).toEqual(folders);
  });

  it('the provider folders are exactly the keys of PROVIDER_CATALOG (catalog.ts)', () => {
    expect(registered(Object.keys(PROVIDER_CATALOG))).toEqual(folders);
  });
});

describe.each(folders)('provider %s', (id) => {
  const provider = PROVIDERS[id as keyof typeof PROVIDERS];
  const info = PROVIDER_CATALOG[id as keyof typeof PROVIDER_CATALOG];

  it('is registered under its own id in registry.ts and catalog.ts', () => {
    expect(provider?.id).toBe(id);
    expect(info?.id).toBe(id);
  });

  it('the running provider and the catalog describe the same thing', () => {
    expect(provider.name).toBe(info.name);
    expect(provider.capabilities).toEqual(info.capabilities);
    expect(provider.settingsFields).toEqual(info.settingsFields);
    expect(provider.defaultSettings).toEqual(info.defaultSettings);
  });

  it.each([`${id}-info.ts`, `${id}-mapper.ts`, `${id}-mapper.test.ts`, 'index.ts'])('has %s', (file) => {
    expect(existsSync(`${PROVIDERS_DIR}/${id}/${file}`), `src/providers/${id}/${file}`).toBe(true);
  });

  it(`has its doc at docs/providers/${id}.md`, () => {
    expect(existsSync(`${ROOT}docs/providers/${id}.md`), `docs/providers/${id}.md`).toBe(true);
  });

  it('agentStates ids are unique', () => {
    const ids = info.capabilities.agentStates.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('extraActions ids are unique and name the call states they apply to', () => {
    const ids = info.capabilities.extraActions.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const action of info.capabilities.extraActions) expect(action.when.length, action.id).toBeGreaterThan(0);
  });

  it('every settings field has a default', () => {
    const defaults = info.defaultSettings as Record<string, unknown>;
    expect(info.settingsFields.length).toBeGreaterThan(0);
    for (const field of info.settingsFields) {
      expect(Object.hasOwn(defaults, field.key), `settingsFields key "${field.key}" missing in defaultSettings`).toBe(true);
    }
  });

  it('settings field keys are unique', () => {
    const keys = info.settingsFields.map((f) => f.key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
