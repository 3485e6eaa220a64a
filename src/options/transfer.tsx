/**
 * Import and export of the settings file (format: src/shared/settings-file.ts, docs/settings.md).
 * Export downloads callbar-settings.json; import reads a file, checks all of it, and either
 * applies it or says exactly what is wrong and changes nothing. A file that changes a server
 * address is shown first (old → new) and applied only when the agent confirms: the passwords saved
 * for the old server are dropped (docs/security.md).
 */
import { useRef, useState } from 'preact/hooks';
import { PROVIDER_CATALOG } from '../providers/catalog.ts';
import { errorMessage } from '../shared/errors.ts';
import { PROVIDER_IDS } from '../shared/ids.ts';
import type { ManagedPolicy } from '../shared/managed-schema.ts';
import { MAX_SETTINGS_FILE_BYTES, SETTINGS_FILE_ERRORS, secretLabels } from '../shared/settings-file.ts';
import { t } from '../shared/i18n.ts';
import { applyImport, download, exportSettings, type ImportResult, type PreparedImport, prepareImport } from './store.ts';

/** The secret fields' labels (provider data, Chinese for now), as one list. */
const secrets = () => secretLabels(PROVIDER_CATALOG).join(t('listSeparator'));

function importSummary(fileName: string, result: ImportResult): string {
  const parts: string[] = [];
  for (const id of PROVIDER_IDS) {
    const settings = result.providers.includes(id);
    const plan = result.dialPlans.includes(id);
    const name = PROVIDER_CATALOG[id].name;
    if (settings && plan) parts.push(t('transferProviderBoth', name));
    else if (settings) parts.push(t('transferProviderSettings', name));
    else if (plan) parts.push(t('transferProviderPlan', name));
  }
  if (result.rules) parts.push(t('transferRules', String(result.rules.added), String(result.rules.replaced)));
  const skipped = result.skipped.length ? t('transferSkipped', result.skipped.map((s) => s.label).join(t('listSeparator'))) : '';
  const imported = parts.length ? t('transferImported', fileName, parts.join(t('transferPartsSeparator'))) : t('transferImportedNothing', fileName);
  return imported + skipped;
}

export function TransferCard({ policy, rulesCount, onImported }: { policy: ManagedPolicy; rulesCount: number; onImported(): Promise<void> }) {
  const [includeSecrets, setIncludeSecrets] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  /** A file that would change a server address, waiting for the agent's confirmation. */
  const [pending, setPending] = useState<{ fileName: string; prepared: PreparedImport } | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const apply = async (fileName: string, prepared: PreparedImport): Promise<string> => {
    const result = await applyImport(prepared);
    // The forms show the imported values before the message says it is done.
    await onImported();
    return importSummary(fileName, result);
  };

  const run = async (action: () => Promise<string>, failure: (reason: string) => string) => {
    setBusy(true);
    setMessage(null);
    try {
      setMessage({ text: await action(), error: false });
    } catch (error) {
      setMessage({ text: failure(errorMessage(error)), error: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" data-testid="transfer" aria-labelledby="transfer-title">
      <h2 id="transfer-title">{t('transferTitle')}</h2>
      <p class="muted small">
        {t('transferIntro', String(rulesCount))}
      </p>
      <label class="check">
        <input type="checkbox" data-testid="export-secrets" checked={includeSecrets} onChange={(e) => setIncludeSecrets((e.target as HTMLInputElement).checked)} />
        {t('transferIncludeSecrets', secrets())}
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
              return t(includeSecrets ? 'transferExportedWithSecrets' : 'transferExported', fileName, secrets());
            }, (reason) => t('transferExportFailed', reason))
          }
        >
          {t('transferExport')}
        </button>
        <button type="button" data-testid="import-settings" disabled={busy} onClick={() => input.current?.click()}>
          {t('transferImport')}
        </button>
        <input
          ref={input}
          type="file"
          accept="application/json,.json"
          data-testid="import-file"
          aria-label={t('transferImportFileLabel')}
          hidden
          onChange={async (e) => {
            const target = e.target as HTMLInputElement;
            const file = target.files?.[0];
            target.value = '';
            if (!file) return;
            setPending(null);
            await run(async () => {
              if (file.size > MAX_SETTINGS_FILE_BYTES) throw new Error(SETTINGS_FILE_ERRORS.tooBig);
              const prepared = await prepareImport(await file.text(), policy);
              if (prepared.serverChanges.length) {
                setPending({ fileName: file.name, prepared });
                return t('transferServerConfirmHint', file.name);
              }
              return apply(file.name, prepared);
            }, (reason) => t('transferImportFailed', file.name, reason));
          }}
        />
      </div>
      {pending && (
        <div class="banner warn" role="alertdialog" aria-labelledby="server-change-title" data-testid="import-server-changes">
          <b id="server-change-title">{t('transferServerChanges', pending.fileName)}</b>
          <ul>
            {pending.prepared.serverChanges.map((c) => (
              <li key={`${c.providerId}-${c.field}`} data-testid="import-server-change">
                {c.provider} · {c.field}：{c.from || t('transferServerEmpty')} → {c.to || t('transferServerEmpty')}
              </li>
            ))}
          </ul>
          <div>{t('transferServerSecretsDropped')}</div>
          <div class="actions">
            <button
              type="button"
              class="danger"
              data-testid="import-confirm"
              disabled={busy}
              onClick={() => {
                const { fileName, prepared } = pending;
                setPending(null);
                void run(() => apply(fileName, prepared), (reason) => t('transferImportFailed', fileName, reason));
              }}
            >
              {t('transferServerApply')}
            </button>
            <button
              type="button"
              data-testid="import-cancel"
              onClick={() => {
                setPending(null);
                setMessage({ text: t('transferServerCancelled', pending.fileName), error: false });
              }}
            >
              {t('cancel')}
            </button>
          </div>
        </div>
      )}
      {message && (
        <div class={message.error ? 'banner error' : 'banner ok'} role={message.error ? 'alert' : 'status'} data-testid="transfer-message">
          {message.text}
        </div>
      )}
    </section>
  );
}
