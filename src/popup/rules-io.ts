/**
 * Rules import/export: one JSON file (format "callbar-rules", version 1) with every
 * site's rules and switches, validated field by field on import so a bad file is
 * refused with a specific message and changes nothing.
 */
import { z } from 'zod';
import browser from 'webextension-polyfill';
import { type ButtonRule, newRuleId, ruleProblem, RULES_KEY, type RulesFile, type SiteSettings, SITES_KEY } from '../shared/rules.ts';

z.config(z.locales.zhCN());

const ruleSchema = z
  .object({
    id: z.string().max(64).optional(),
    origin: z.string().max(200),
    pathPattern: z.string().max(300).default('/*'),
    selector: z.string().max(500),
    source: z.enum(['picker', 'selector', 'import']).default('import'),
    label: z.string().max(60).optional(),
    numberFrom: z.union([z.object({ attribute: z.string().min(1).max(60) }), z.object({ rowSelector: z.string().min(1).max(300) })]).optional(),
    createdAt: z.number().optional(),
  })
  .superRefine((rule, ctx) => {
    const problem = ruleProblem(rule);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const fileSchema = z.object({
  format: z.literal('callbar-rules', { error: '不是 CallBar 规则文件（format 应为 "callbar-rules"）' }),
  version: z.literal(1, { error: '不支持的规则文件版本（应为 1）' }),
  rules: z.array(ruleSchema).max(2000),
  sites: z.record(z.string(), z.object({ autoDetect: z.boolean() })).default({}),
});

export async function readAll(): Promise<{ rules: ButtonRule[]; sites: Record<string, SiteSettings> }> {
  const stored = await browser.storage.local.get([RULES_KEY, SITES_KEY]);
  return {
    rules: Array.isArray(stored[RULES_KEY]) ? (stored[RULES_KEY] as ButtonRule[]) : [],
    sites: (stored[SITES_KEY] ?? {}) as Record<string, SiteSettings>,
  };
}

export async function writeRules(rules: ButtonRule[]): Promise<void> {
  await browser.storage.local.set({ [RULES_KEY]: rules });
}

export async function writeSites(sites: Record<string, SiteSettings>): Promise<void> {
  await browser.storage.local.set({ [SITES_KEY]: sites });
}

export async function exportRules(): Promise<string> {
  const { rules, sites } = await readAll();
  const file: RulesFile = { format: 'callbar-rules', version: 1, rules, sites };
  return JSON.stringify(file, null, 2);
}

/** Parse and merge a rules file: same origin + selector replaces, others are added. */
export function parseRulesFile(text: string): { ok: true; file: RulesFile } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: '文件不是有效的 JSON' };
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? `（${issue.path.join('.')}）` : '';
    return { ok: false, error: `${issue.message}${where}` };
  }
  const now = Date.now();
  const rules: ButtonRule[] = parsed.data.rules.map((r) => ({
    id: r.id ?? newRuleId(),
    origin: r.origin,
    pathPattern: r.pathPattern,
    selector: r.selector.trim(),
    source: r.source,
    ...(r.label ? { label: r.label } : {}),
    ...(r.numberFrom ? { numberFrom: r.numberFrom } : {}),
    createdAt: r.createdAt ?? now,
  }));
  return { ok: true, file: { format: 'callbar-rules', version: 1, rules, sites: parsed.data.sites } };
}

export async function importRules(text: string): Promise<{ added: number; replaced: number }> {
  const parsed = parseRulesFile(text);
  if (!parsed.ok) throw new Error(parsed.error);
  const { rules, sites } = await readAll();
  let replaced = 0;
  const merged = [...rules];
  for (const rule of parsed.file.rules) {
    const at = merged.findIndex((r) => r.origin === rule.origin && r.selector === rule.selector);
    if (at >= 0) {
      merged[at] = { ...rule, id: merged[at]!.id };
      replaced++;
    } else merged.push(rule);
  }
  await writeRules(merged);
  await writeSites({ ...sites, ...parsed.file.sites });
  return { added: parsed.file.rules.length - replaced, replaced };
}
