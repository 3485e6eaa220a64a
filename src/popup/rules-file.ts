/**
 * The rules file format ("callbar-rules", version 1): validated field by field, so a bad
 * file is refused with a specific message and changes nothing. Pure (no extension APIs).
 */
import { z } from 'zod';
import { type ButtonRule, newRuleId, ruleProblem, type RulesFile } from '../shared/rules.ts';

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

/** Parse a rules file; on success every rule is complete and valid. */
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

