/**
 * Import and export of the settings file (format: src/shared/settings-file.ts, docs/settings.md).
 * Export downloads callbar-settings.json; import reads a file, checks all of it, and either
 * applies it or says exactly what is wrong and changes nothing.
 */
import { useRef, useState } from 'preact/hooks';
import { PROVIDER_CATALOG } from '../providers/catalog.ts';
import { errorMessage } from '../shared/errors.ts';
import { PROVIDER_IDS } from '../shared/ids.ts';
import type { ManagedPolicy } from '../shared/managed-schema.ts';
import { MAX_SETTINGS_FILE_BYTES, SETTINGS_FILE_ERRORS, secretLabels } from '../shared/settings-file.ts';
import { download, exportSettings, type ImportResult, importSettings } from './store.ts';

const SECRETS = secretLabels(PROVIDER_CATALOG).join('、');

function importSummary(fileName: string, result: ImportResult): string {
  const parts: string[] = [];
  for (const id of PROVIDER_IDS) {
    const what = [result.providers.includes(id) ? '设置' : '', result.dialPlans.includes(id) ? '拨号规则' : ''].filter(Boolean);
    if (what.length) parts.push(`${PROVIDER_CATALOG[id].name}的${what.join('和')}`);
  }
  if (result.rules) parts.push(`拨号按钮规则（新增 ${result.rules.added} 条，更新 ${result.rules.replaced} 条）`);
  const what = parts.length ? `：${parts.join('；')}` : '，文件中没有可导入的设置';
  const skipped = result.skipped.length ? `。以下由管理员设置，未导入：${result.skipped.map((s) => s.label).join('、')}` : '';
  return `已导入 ${fileName}${what}${skipped}`;
}

export function TransferCard({ policy, rulesCount, onImported }: { policy: ManagedPolicy; rulesCount: number; onImported(): void }) {
  const [includeSecrets, setIncludeSecrets] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const run = async (action: () => Promise<string>, failure: string) => {
    setBusy(true);
    setMessage(null);
    try {
      setMessage({ text: await action(), error: false });
    } catch (error) {
      setMessage({ text: `${failure}${errorMessage(error)}`, error: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" data-testid="transfer" aria-labelledby="transfer-title">
      <h2 id="transfer-title">导入 / 导出</h2>
      <p class="muted small">
        一个 JSON 文件包含所有平台的设置、拨号规则和网页拨号按钮规则（现有 {rulesCount} 条），可发给同事导入。导入前会检查整个文件，有错误时不做任何修改。
      </p>
      <label class="check">
        <input type="checkbox" data-testid="export-secrets" checked={includeSecrets} onChange={(e) => setIncludeSecrets((e.target as HTMLInputElement).checked)} />
        导出时包含 {SECRETS}（默认不包含）
      </label>
      <div class="actions">
        <button
          type="button"
          data-testid="export-settings"
          disabled={busy}
          onClick={() =>
            run(async () => {
              const { text, fileName } = await exportSettings(policy, includeSecrets);
              download(text, fileName);
              return `已导出 ${fileName}（${includeSecrets ? `含 ${SECRETS}，请妥善保管` : `不含 ${SECRETS}`}）`;
            }, '导出失败：')
          }
        >
          导出设置文件
        </button>
        <button type="button" data-testid="import-settings" disabled={busy} onClick={() => input.current?.click()}>
          导入设置文件…
        </button>
        <input
          ref={input}
          type="file"
          accept="application/json,.json"
          data-testid="import-file"
          aria-label="选择要导入的设置文件"
          hidden
          onChange={async (e) => {
            const target = e.target as HTMLInputElement;
            const file = target.files?.[0];
            target.value = '';
            if (!file) return;
            await run(async () => {
              if (file.size > MAX_SETTINGS_FILE_BYTES) throw new Error(SETTINGS_FILE_ERRORS.tooBig);
              const result = await importSettings(await file.text(), policy);
              onImported();
              return importSummary(file.name, result);
            }, `导入 ${file.name} 失败，没有修改任何设置：`);
          }}
        />
      </div>
      {message && (
        <div class={message.error ? 'banner error' : 'banner ok'} role={message.error ? 'alert' : 'status'} data-testid="transfer-message">
          {message.text}
        </div>
      )}
    </section>
  );
}
