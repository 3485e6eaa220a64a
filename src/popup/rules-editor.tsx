/**
 * The site's rules, listed, edited and deleted in the popup; the site's automatic
 * detection switch; import/export of all rules as JSON. Changes land in
 * chrome.storage.local and every open tab of the site re-applies them at once.
 */
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../shared/errors.ts';
import browser from 'webextension-polyfill';
import { globToRegExp, type ButtonRule, ruleProblem, RULES_KEY, type SiteSettings, SITES_KEY } from '../shared/rules.ts';
import { exportRules, importRules, readAll, writeRules, writeSites } from './rules-io.ts';
import { disableIfEmpty } from './site-access.ts';
import { t } from '../shared/i18n.ts';

export function RulesEditor({ origin, page }: { origin: string; page: string }) {
  const [rules, setRules] = useState<ButtonRule[]>([]);
  const [sites, setSites] = useState<Record<string, SiteSettings>>({});
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const load = async () => {
    const all = await readAll();
    setRules(all.rules);
    setSites(all.sites);
  };
  useEffect(() => {
    void load();
    // The picker in the page, another popup or an import may change them meanwhile.
    const onChange = (changes: Record<string, unknown>, area: string) => {
      if (area === 'local' && (RULES_KEY in changes || SITES_KEY in changes)) void load();
    };
    browser.storage.onChanged.addListener(onChange);
    return () => browser.storage.onChanged.removeListener(onChange);
  }, []);
  const mine = rules.filter((r) => r.origin === origin);
  const autoDetect = sites[origin]?.autoDetect ?? false;

  const save = async (next: ButtonRule[], text: string) => {
    await writeRules(next);
    setRules(next);
    setMessage({ text, error: false });
    // The site's last rule went: CallBar stops running there (the page tools say so).
    await disableIfEmpty(origin);
  };

  return (
    <div class="rules" data-testid="rules-editor">
      <label class="check">
        <input
          type="checkbox"
          data-testid="autodetect-toggle"
          checked={autoDetect}
          onChange={async (e) => {
            const next = { ...sites, [origin]: { ...sites[origin], autoDetect: (e.target as HTMLInputElement).checked } };
            await writeSites(next);
            setSites(next);
            await disableIfEmpty(origin);
          }}
        />
        {t('rulesAutoDetect')}
      </label>
      <div class="muted small">{t('rulesForSite', origin)}</div>
      {mine.length === 0 && <div class="muted small">{t('rulesNone')}</div>}
      {mine.map((rule) => (
        <RuleRow
          key={rule.id}
          rule={rule}
          applies={(() => {
            try {
              return globToRegExp(rule.pathPattern).test(page);
            } catch {
              return false;
            }
          })()}
          onSave={(updated) => save(rules.map((r) => (r.id === rule.id ? updated : r)), t('rulesSaved'))}
          onDelete={() => save(rules.filter((r) => r.id !== rule.id), t('rulesDeleted'))}
          onError={(text) => setMessage({ text, error: true })}
        />
      ))}
      <div class="actions">
        <button
          data-testid="rules-export"
          onClick={async () => {
            const url = URL.createObjectURL(new Blob([await exportRules()], { type: 'application/json' }));
            const a = Object.assign(document.createElement('a'), { href: url, download: 'callbar-rules.json' });
            a.click();
            setTimeout(() => URL.revokeObjectURL(url), 1000);
          }}
        >
          {t('rulesExport')}
        </button>
        <label class="button">
          {t('rulesImport')}
          <input
            type="file"
            accept="application/json,.json"
            data-testid="rules-import"
            hidden
            onChange={async (e) => {
              const file = (e.target as HTMLInputElement).files?.[0];
              if (!file) return;
              try {
                const { added, replaced } = await importRules(await file.text());
                await load();
                setMessage({ text: t('rulesImported', String(added), String(replaced)), error: false });
              } catch (error) {
                setMessage({ text: t('rulesImportFailed', errorMessage(error)), error: true });
              }
              (e.target as HTMLInputElement).value = '';
            }}
          />
        </label>
      </div>
      {message && (
        <div class={message.error ? 'banner error' : 'small ok-text'} role={message.error ? 'alert' : 'status'} data-testid="rules-message">
          {message.text}
        </div>
      )}
    </div>
  );
}

function RuleRow(props: { rule: ButtonRule; applies: boolean; onSave(rule: ButtonRule): void; onDelete(): void; onError(text: string): void }) {
  const [selector, setSelector] = useState(props.rule.selector);
  const [pathPattern, setPathPattern] = useState(props.rule.pathPattern);
  const dirty = selector !== props.rule.selector || pathPattern !== props.rule.pathPattern;
  return (
    <div class="rule" data-testid="rule-row">
      <div class="row">
        <span class="strong small">{props.rule.label ?? (props.rule.source === 'picker' ? t('rulesPickedColumn') : t('rulesSelector'))}</span>
        <span class={`small ${props.applies ? 'ok-text' : 'muted'}`}>{props.applies ? t('rulesApplies') : t('rulesNotApplies')}</span>
      </div>
      <input aria-label={t('rulesSelectorLabel')} data-testid="rule-selector" value={selector} onInput={(e) => setSelector((e.target as HTMLInputElement).value)} />
      <input aria-label={t('rulesPathLabel')} data-testid="rule-path" value={pathPattern} onInput={(e) => setPathPattern((e.target as HTMLInputElement).value)} />
      <div class="actions">
        <button
          disabled={!dirty}
          data-testid="rule-save"
          onClick={() => {
            const updated = { ...props.rule, selector: selector.trim(), pathPattern: pathPattern.trim() };
            const problem = ruleProblem(updated) ?? selectorProblem(updated.selector);
            if (problem) props.onError(problem);
            else props.onSave(updated);
          }}
        >
          {t('save')}
        </button>
        <button class="danger-text" data-testid="rule-delete" onClick={props.onDelete}>
          {t('delete')}
        </button>
      </div>
    </div>
  );
}

/** The popup's own document can tell whether a selector parses. */
function selectorProblem(selector: string): string | null {
  try {
    document.createDocumentFragment().querySelector(selector);
    return null;
  } catch {
    return t('rulesBadSelector', selector.slice(0, 60));
  }
}
