/**
 * Reading a rules file ("callbar-rules", version 1) as the popup imports it. The format
 * and its validation are the rules part of the settings file (src/shared/settings-file.ts):
 * one schema, so a file the options page accepts the popup accepts too.
 */
import type { RulesFile } from '../shared/rules.ts';
import { completeRules, rulesFileSchema } from '../shared/settings-file.ts';
import { t } from '../shared/i18n.ts';

/** Parse a rules file; on success every rule is complete and valid. */
export function parseRulesFile(text: string): { ok: true; file: RulesFile } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: t('fileNotJson') };
  }
  const parsed = rulesFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? `（${issue.path.join('.')}）` : '';
    return { ok: false, error: `${issue.message}${where}` };
  }
  return { ok: true, file: completeRules(parsed.data) };
}
