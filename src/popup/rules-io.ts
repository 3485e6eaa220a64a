/**
 * Rules import/export: one JSON file with every site's rules and switches (format in
 * rules-file.ts). Importing merges: same origin + selector replaces, others are added.
 */
import browser from 'webextension-polyfill';
import { type ButtonRule, RULES_KEY, type RulesFile, rulesFromStorage, type SiteSettings, SITES_KEY, type StoredRules } from '../shared/rules.ts';
import { mergeRules } from '../shared/settings-file.ts';
import { parseRulesFile } from './rules-file.ts';

export async function readAll(): Promise<StoredRules> {
  return rulesFromStorage(await browser.storage.local.get([RULES_KEY, SITES_KEY]));
}

export async function writeRules(rules: ButtonRule[]): Promise<void> {
  await browser.storage.local.set({ [RULES_KEY]: rules });
}

export async function writeSites(sites: Record<string, SiteSettings>): Promise<void> {
  await browser.storage.local.set({ [SITES_KEY]: sites });
}

export async function exportRules(): Promise<string> {
  const { rules, sites } = await readAll();
  // Whether a site is enabled is this browser's (and its access grant's): only the switch travels.
  const switches = Object.fromEntries(Object.entries(sites).map(([origin, site]) => [origin, { autoDetect: !!site.autoDetect }]));
  const file: RulesFile = { format: 'callbar-rules', version: 1, rules, sites: switches };
  return JSON.stringify(file, null, 2);
}

export async function importRules(text: string): Promise<{ added: number; replaced: number }> {
  const parsed = parseRulesFile(text);
  if (!parsed.ok) throw new Error(parsed.error);
  const merged = mergeRules(await readAll(), parsed.file);
  await writeRules(merged.rules);
  await writeSites(merged.sites);
  return { added: merged.added, replaced: merged.replaced };
}
