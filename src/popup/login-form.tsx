/** Choose a provider, fill its settings (validated field by field), log in. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { PROVIDER_CATALOG } from '../providers/catalog.ts';
import { errorMessage } from '../shared/errors.ts';
import { isProviderId, type ProviderId } from '../shared/ids.ts';
import { isActiveProviderLocked, isSettingLocked, NO_POLICY } from '../shared/managed-schema.ts';
import { LockNote } from '../options/lock.tsx';
import { usePolicy } from '../options/policy.ts';
import { send } from '../shared/messaging.ts';
import type { PublicState } from '../shared/session-state.ts';
import { t } from '../shared/i18n.ts';

export function LoginForm({ state }: { state: PublicState }) {
  const [providerId, setProviderId] = useState<ProviderId>(state.providerId ?? 'cmcc-softbar');
  const info = PROVIDER_CATALOG[providerId];
  const [values, setValues] = useState<Record<string, string>>({});
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Values pushed by enterprise policy are in force and locked (docs/settings.md).
  const policy = usePolicy()?.policy ?? NO_POLICY;
  const pushed = policy.providers[providerId] ?? {};
  const shown = (key: string) => (Object.hasOwn(pushed, key) ? String(pushed[key]) : (values[key] ?? ''));

  // Fields the agent has typed in: saved values arriving late never overwrite them.
  const typed = useRef(new Set<string>());
  useEffect(() => {
    let cancelled = false;
    typed.current = new Set();
    void send('settings/get', { providerId }).then(
      ({ settings }) => {
        if (cancelled) return;
        const defaults = info.defaultSettings as Record<string, unknown>;
        const saved = (settings ?? {}) as Record<string, unknown>;
        setValues((current) => {
          const merged: Record<string, string> = {};
          for (const field of info.settingsFields) {
            merged[field.key] = typed.current.has(field.key) ? (current[field.key] ?? '') : String(saved[field.key] ?? defaults[field.key] ?? '');
          }
          return merged;
        });
        setFieldErrors({});
      },
      (e) => !cancelled && setError(errorMessage(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [providerId]);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    const settings = Object.fromEntries(info.settingsFields.map((f) => [f.key, shown(f.key)]));
    const parsed = info.settingsSchema.safeParse(settings);
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
      setFieldErrors(errors);
      return;
    }
    setFieldErrors({});
    setBusy(true);
    try {
      await send('session/login', { providerId, settings });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card" onSubmit={submit} data-testid="login-form" noValidate>
      <label>
        {t('loginProvider')}
        <select
          data-testid="provider-select"
          value={providerId}
          disabled={isActiveProviderLocked(policy)}
          onChange={(e) => {
            const v = (e.target as HTMLSelectElement).value;
            if (isProviderId(v)) setProviderId(v);
          }}
        >
          {Object.values(PROVIDER_CATALOG).map((p) => (
            <option value={p.id} key={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <p class="muted small">{info.description}</p>
      {info.settingsFields.map((field) => (
        <label key={field.key}>
          <span class="row">
            {field.label}
            {isSettingLocked(policy, providerId, field.key) && <LockNote id={`lock-${field.key}`} testid={`locked-${field.key}`} />}
          </span>
          <input
            name={field.key}
            data-testid={`setting-${field.key}`}
            {...(field.type === 'password' ? { type: 'password' as const } : { type: 'text' as const, inputMode: field.type === 'number' ? 'numeric' : 'text' })}
            placeholder={field.placeholder}
            value={shown(field.key)}
            disabled={isSettingLocked(policy, providerId, field.key)}
            aria-describedby={isSettingLocked(policy, providerId, field.key) ? `lock-${field.key}` : undefined}
            aria-invalid={fieldErrors[field.key] ? 'true' : undefined}
            onInput={(e) => {
              typed.current.add(field.key);
              setValues({ ...values, [field.key]: (e.target as HTMLInputElement).value });
            }}
          />
          {fieldErrors[field.key] ? (
            <span class="field-error" data-testid={`error-${field.key}`}>
              {fieldErrors[field.key]}
            </span>
          ) : (
            field.help && <span class="muted small">{field.help}</span>
          )}
        </label>
      ))}
      {error && (
        <div class="banner error" role="alert" data-testid="login-error">
          {error}
        </div>
      )}
      <button class="primary" type="submit" disabled={busy} data-testid="login">
        {busy ? t('loginBusy') : t('loginSubmit')}
      </button>
    </form>
  );
}

