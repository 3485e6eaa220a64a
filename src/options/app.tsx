/**
 * The options page: every provider's settings and dial plan, the default provider, the browser
 * phone's devices, import and export of the settings file. Values pushed by enterprise policy
 * (chrome.storage.managed) are shown locked. Settings are saved through the background
 * (`settings/save`; the devices with `settings/general-set`).
 */
import { useEffect, useState } from 'preact/hooks';
import { PROVIDER_CATALOG } from '../providers/catalog.ts';
import { errorMessage } from '../shared/errors.ts';
import { isProviderId, PROVIDER_IDS } from '../shared/ids.ts';
import { isActiveProviderLocked, isManaged, type ManagedPolicy, NO_POLICY, type PolicyState } from '../shared/managed-schema.ts';
import { DevicesCard } from './devices-card.tsx';
import { LockIcon, LockNote } from './lock.tsx';
import { usePolicy } from './policy.ts';
import { ProviderCard } from './provider-card.tsx';
import { loadSaved, type Saved, saveChanges } from './store.ts';
import { TransferCard } from './transfer.tsx';
import { t } from '../shared/i18n.ts';

export function App() {
  const policyState = usePolicy();
  const policy = policyState?.policy ?? NO_POLICY;
  const [saved, setSaved] = useState<Saved | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  // Bumped when what is saved changed under the forms (import, policy): they start over from it.
  const [generation, setGeneration] = useState(0);

  const reload = async (restartForms: boolean) => {
    try {
      setSaved(await loadSaved(policy));
      setLoadError(null);
      if (restartForms) setGeneration((g) => g + 1);
    } catch (error) {
      setLoadError(errorMessage(error));
    }
  };
  useEffect(() => {
    if (policyState) void reload(true);
  }, [policyState]);

  if (loadError) {
    return (
      <main>
        <div class="banner error" role="alert" data-testid="load-error">
          {t('optionsLoadError', loadError)}
        </div>
      </main>
    );
  }
  if (!policyState || !saved) return <main class="loading">{t('optionsLoading')}</main>;
  return (
    <main data-testid="options" data-generation={generation}>
      <header>
        <h1>{t('optionsTitle')}</h1>
        <ActiveProvider saved={saved} policy={policy} onSaved={() => reload(false)} />
      </header>
      <PolicyBanner state={policyState} />
      {PROVIDER_IDS.map((id) => (
        <ProviderCard key={`${id}:${generation}`} info={PROVIDER_CATALOG[id]} saved={saved} policy={policy} onSaved={() => reload(false)} />
      ))}
      <DevicesCard />
      <TransferCard policy={policy} rulesCount={saved.rules.rules.length} onImported={() => reload(true)} />
    </main>
  );
}

function PolicyBanner({ state }: { state: PolicyState }) {
  return (
    <>
      {isManaged(state.policy) && (
        <div class="banner info" data-testid="policy-banner">
          <LockIcon /> {state.policy.lockAll ? t('optionsLockedAll') : t('optionsLockedSome')}
        </div>
      )}
      {state.problems.length > 0 && (
        <div class="banner warn" role="alert" data-testid="policy-problems">
          {state.problems.map((p) => (
            <div key={p}>{p}</div>
          ))}
        </div>
      )}
    </>
  );
}

function ActiveProvider({ saved, policy, onSaved }: { saved: Saved; policy: ManagedPolicy; onSaved(): void }) {
  const [error, setError] = useState<string | null>(null);
  const locked = isActiveProviderLocked(policy);
  return (
    <div class="active-provider">
      <label for="active-provider">{t('optionsActiveProvider')}</label>
      <select
        id="active-provider"
        data-testid="active-provider"
        value={saved.activeProvider ?? ''}
        disabled={locked}
        aria-describedby={locked ? 'active-provider-lock' : undefined}
        onChange={async (e) => {
          const value = (e.target as HTMLSelectElement).value;
          if (!isProviderId(value)) return;
          try {
            await saveChanges({ activeProvider: value });
            setError(null);
            onSaved();
          } catch (err) {
            setError(errorMessage(err));
          }
        }}
      >
        {saved.activeProvider === null && <option value="">{t('optionsNoProvider')}</option>}
        {PROVIDER_IDS.map((id) => (
          <option key={id} value={id}>
            {PROVIDER_CATALOG[id].name}
          </option>
        ))}
      </select>
      {locked && <LockNote id="active-provider-lock" testid="locked-activeProvider" />}
      {error && (
        <span class="error-text" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
