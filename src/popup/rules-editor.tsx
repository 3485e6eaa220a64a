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
  };

  return (
    <div class="rules" data-testid="rules-editor">
      <label class="check">
        <input
          type="checkbox"
          data-testid="autodetect-toggle"
          checked={autoDetect}
          onChange={async (e) => {
            const next = { ...sites, [origin]: { autoDetect: (e.target as HTMLInputElement).checked } };
            await writeSites(next);
            setSites(next);
          }}
        />
        自动识别本站网页文字中的号码
      </label>
      <div class="muted small">本站规则（{origin}）</div>
      {mine.length === 0 && <div class="muted small">还没有规则：用“选择号码列”或选择器添加。</div>}
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
          onSave={(updated) => save(rules.map((r) => (r.id === rule.id ? updated : r)), '规则已保存')}
          onDelete={() => save(rules.filter((r) => r.id !== rule.id), '规则已删除')}
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
          导出规则
        </button>
        <label class="button">
          导入规则
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
                setMessage({ text: `已导入：新增 ${added} 条，更新 ${replaced} 条`, error: false });
              } catch (error) {
                setMessage({ text: `导入失败：${errorMessage(error)}`, error: true });
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
        <span class="strong small">{props.rule.label ?? (props.rule.source === 'picker' ? '选取的列' : '选择器')}</span>
        <span class={`small ${props.applies ? 'ok-text' : 'muted'}`}>{props.applies ? '本页生效' : '本页不适用'}</span>
      </div>
      <input aria-label="CSS 选择器" data-testid="rule-selector" value={selector} onInput={(e) => setSelector((e.target as HTMLInputElement).value)} />
      <input aria-label="适用路径" data-testid="rule-path" value={pathPattern} onInput={(e) => setPathPattern((e.target as HTMLInputElement).value)} />
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
          保存
        </button>
        <button class="danger-text" data-testid="rule-delete" onClick={props.onDelete}>
          删除
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
    return `“${selector.slice(0, 60)}”不是有效的 CSS 选择器`;
  }
}
