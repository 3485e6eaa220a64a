/** Choose a provider, fill its settings (validated field by field), log in. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { PROVIDER_CATALOG } from '../providers/catalog.ts';
import { errorMessage } from '../shared/errors.ts';
import { isProviderId, type ProviderId } from '../shared/ids.ts';
import { isActiveProviderLocked, isSettingLocked, NO_POLICY } from '../shared/managed-schema.ts';
import { MicNotice } from '../microphone/notice.tsx';
import { useMicPermission } from '../microphone/permission.ts';
import { LockNote } from '../options/lock.tsx';
import { usePolicy } from '../options/policy.ts';
import { SettingInput } from '../options/setting-input.tsx';
import { send } from '../shared/messaging.ts';
import { type FormValue, type FormValues, isFieldShown, settingsFromForm, toFormValue } from '../shared/settings-form.ts';
import { askServerAccess } from './server-access.ts';
import { type SettingsFieldInfo as SettingsField, serverBoundKeys } from '../shared/settings-file.ts';
import type { PublicState } from '../shared/session-state.ts';
import { t } from '../shared/i18n.ts';

export function LoginForm({ state }: { state: PublicState }) {
  const [providerId, setProviderId] = useState<ProviderId>(state.providerId ?? 'cmcc-softbar');
  const info = PROVIDER_CATALOG[providerId];
  const [values, setValues] = useState<FormValues>({});
  const [remember, setRemember] = useState(false);
  const hasCredential = info.settingsFields.some((f) => f.credential);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Values pushed by enterprise policy are in force and locked (docs/settings.md).
  const policy = usePolicy()?.policy ?? NO_POLICY;
  const pushed = policy.providers[providerId] ?? {};
  const fieldOf = (key: string) => info.settingsFields.find((f) => f.key === key);
  const shown = (key: string): FormValue => {
    const field = fieldOf(key);
    if (Object.hasOwn(pushed, key)) return field ? toFormValue(field, pushed[key]) : String(pushed[key]);
    return values[key] ?? (field?.type === 'checkbox' ? false : '');
  };

  // The browser phone needs the microphone for calls, not to register: 登录 stays enabled and the
  // notice above it says calls need the permission (the phone's banner says it again if a call fails).
  const micPermission = useMicPermission();
  const usesPhone = info.usesPhone?.(settingsFromForm(info.settingsFields, shown)) ?? false;

  // Fields the agent has typed in: saved values arriving late never overwrite them.
  const typed = useRef(new Set<string>());
  useEffect(() => {
    let cancelled = false;
    typed.current = new Set();
    void send('settings/get', { providerId }).then(
      ({ settings, remember: remembered }) => {
        if (cancelled) return;
        const defaults = info.defaultSettings as Record<string, unknown>;
        const saved = (settings ?? {}) as Record<string, unknown>;
        setValues((current) => {
          const merged: FormValues = {};
          for (const field of info.settingsFields) {
            merged[field.key] = typed.current.has(field.key) ? (current[field.key] ?? '') : toFormValue(field, saved[field.key] ?? defaults[field.key]);
          }
          return merged;
        });
        if (!typed.current.has('@remember')) setRemember(remembered);
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
    const settings = settingsFromForm(info.settingsFields, shown);
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
      // A cloud platform's server needs the agent's permission once, asked in this click; the
      // prompt closes the popup, so the login goes out at once and the background waits for it.
      const asked = askServerAccess(info.settingsFields, parsed.data);
      const login = send('session/login', { providerId, settings, ...(hasCredential ? { remember } : {}) });
      login.catch(() => undefined); // reported below, once the access question is settled
      await asked;
      await login;
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const renderField = (field: SettingsField) => {
          const locked = isSettingLocked(policy, providerId, field.key);
          const control = (
            <SettingInput
              field={field}
              value={shown(field.key)}
              testid={`setting-${field.key}`}
              disabled={locked}
              invalid={!!fieldErrors[field.key]}
              describedBy={locked ? `lock-${field.key}` : undefined}
              onChange={(value) => {
                typed.current.add(field.key);
                const next: FormValues = { ...values, [field.key]: value };
                // Another server: the saved password (and client secret) was for the old one.
                if (field.type === 'url') for (const key of serverBoundKeys(info.settingsFields)) if (!typed.current.has(key)) next[key] = '';
                setValues(next);
              }}
            />
          );
          return (
            <label key={field.key} class={field.type === 'checkbox' ? 'check-field' : undefined}>
              {field.type === 'checkbox' ? (
                <span class="row">
                  {control}
                  {field.label}
                  {locked && <LockNote id={`lock-${field.key}`} testid={`locked-${field.key}`} />}
                </span>
              ) : (
                <>
                  <span class="row">
                    {field.label}
                    {locked && <LockNote id={`lock-${field.key}`} testid={`locked-${field.key}`} />}
                  </span>
                  {control}
                </>
              )}
              {fieldErrors[field.key] ? (
                <span class="field-error" data-testid={`error-${field.key}`}>
                  {fieldErrors[field.key]}
                </span>
              ) : (
                field.help && <span class="muted small">{field.help}</span>
              )}
            </label>
          );
  };
  const visible = info.settingsFields.filter((field) => isFieldShown(field, shown));
  const advanced = visible.filter((field) => field.advanced);

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
      {visible.filter((field) => !field.advanced).map(renderField)}
      {advanced.length > 0 && (
        // Rarely needed settings stay out of the way; opened when one of them is set or wrong.
        <details class="advanced-settings" data-testid="advanced-settings" open={advanced.some((f) => !!fieldErrors[f.key] || hasValue(shown(f.key), f)) || undefined}>
          <summary>{t('loginAdvanced')}</summary>
          {advanced.map(renderField)}
        </details>
      )}
      {error && (
        <div class="banner error" role="alert" data-testid="login-error">
          {error}
        </div>
      )}
      {/* Always in view: a long settings form scrolls under it (Chrome caps a popup at 600 px). */}
      <div class="submit-bar">
        <MicNotice permission={micPermission} needed={usesPhone} from="popup" />
        {hasCredential && (
          <label class="check" title={t('loginRememberHelp')}>
            <input
              type="checkbox"
              data-testid="remember-password"
              checked={remember}
              onChange={(e) => {
                typed.current.add('@remember');
                setRemember((e.target as HTMLInputElement).checked);
              }}
            />
            {t('loginRemember')}
          </label>
        )}
        <button class="primary" type="submit" disabled={busy} data-testid="login">
          {busy ? t('loginBusy') : t('loginSubmit')}
        </button>
      </div>
      {hasCredential && <p class="muted small">{t('loginRememberHelp')}</p>}
    </form>
  );
}

/** A value the agent (or a file) set, other than a select's first choice. */
function hasValue(value: FormValue, field: SettingsField): boolean {
  if (field.type === 'select') return !!field.options?.[0] && value !== field.options[0].value;
  return typeof value === 'string' ? value.trim() !== '' : value === true;
}
