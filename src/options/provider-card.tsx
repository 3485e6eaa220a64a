/**
 * One provider: every settings field from its catalog entry (the popup's login form draws the
 * same list, with the same schema and messages) and its dial plan. Values the administrator
 * pushed are shown locked; saving sends only what the agent may change.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { ProviderInfo, SettingsField } from '../providers/provider.ts';
import { errorMessage } from '../shared/errors.ts';
import { isDialPlanLocked, isSettingLocked, type ManagedPolicy } from '../shared/managed-schema.ts';
import type { DialPlan } from '../shared/phone/dial-plan.ts';
import { DIAL_PLAN_KEYS, dialPlanSchema, providerSectionSchema } from '../shared/settings-file.ts';
import { type FormValue, type FormValues, formValues, isFieldShown, settingsFromForm, toFormValue } from '../shared/settings-form.ts';
import { LockNote } from './lock.tsx';
import { SettingInput } from './setting-input.tsx';
import { type Saved, saveChanges } from './store.ts';
import { t } from '../shared/i18n.ts';

const DIAL_PLAN_CHOICES = {
  internationalPrefix: [
    ['00', 'dialPlanIntl00'],
    ['+', 'dialPlanIntlPlus'],
  ],
  extension: [
    ['drop', 'dialPlanExtDrop'],
    ['dtmf', 'dialPlanExtDtmf'],
  ],
} as const;

type Message = { text: string; error: boolean } | null;

/** The agent's own password is typed at login in the popup ("记住密码"), not kept here. */
const formFields = (info: ProviderInfo<any>) => info.settingsFields.filter((f) => !f.credential);

function initialValues(info: ProviderInfo<any>, saved: Saved): FormValues {
  return formValues(formFields(info), saved.providers[info.id], info.defaultSettings);
}

export function ProviderCard({ info, saved, policy, onSaved }: { info: ProviderInfo<any>; saved: Saved; policy: ManagedPolicy; onSaved(): void }) {
  const id = info.id;
  const [values, setValues] = useState(() => initialValues(info, saved));
  const [plan, setPlan] = useState<DialPlan>(() => saved.dialPlans[id]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<Message>(null);
  const [busy, setBusy] = useState(false);

  const pushed = policy.providers[id] ?? {};
  const locked = (key: string) => isSettingLocked(policy, id, key);
  const planLocked = (key: keyof DialPlan) => isDialPlanLocked(policy, id, key);
  // A pushed value is what is in force, whatever was saved before.
  const fields = formFields(info);
  const shown = (key: string): FormValue => {
    const field = fields.find((f) => f.key === key);
    if (Object.hasOwn(pushed, key)) return field ? toFormValue(field, pushed[key]) : String(pushed[key]);
    return values[key] ?? (field?.type === 'checkbox' ? false : '');
  };
  const shownPlan: DialPlan = { ...plan, ...policy.dialPlans[id] };
  const everythingLocked = fields.every((f) => locked(f.key)) && DIAL_PLAN_KEYS.every(planLocked);

  const save = async (event: Event) => {
    event.preventDefault();
    setMessage(null);
    // As a settings-file section: the password is not on this page, a saved one is kept.
    const settings = providerSectionSchema(info).safeParse(settingsFromForm(fields, shown));
    const dialPlan = dialPlanSchema.safeParse(shownPlan);
    const found: Record<string, string> = {};
    if (!settings.success) for (const issue of settings.error.issues) found[String(issue.path[0])] ??= issue.message;
    if (!dialPlan.success) for (const issue of dialPlan.error.issues) found[`plan.${String(issue.path[0])}`] ??= issue.message;
    setErrors(found);
    if (!settings.success || !dialPlan.success) {
      setMessage({ text: t('optionsNotSavedInvalid'), error: true });
      return;
    }
    const mine = Object.fromEntries(Object.entries(settings.data as Record<string, unknown>).filter(([key]) => !locked(key)));
    setBusy(true);
    try {
      await saveChanges({ ...(Object.keys(mine).length ? { providers: { [id]: mine } } : {}), dialPlans: { [id]: dialPlan.data } });
      setMessage({ text: t('optionsSaved'), error: false });
      onSaved();
    } catch (error) {
      setMessage({ text: t('optionsNotSaved', errorMessage(error)), error: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card" data-testid={`provider-${id}`} onSubmit={save} noValidate aria-labelledby={`title-${id}`}>
      <h2 id={`title-${id}`}>{info.name}</h2>
      <p class="muted small">{info.description}</p>
      <div class="grid">
        {fields.filter((field) => isFieldShown(field, shown)).map((field) => (
          <Field
            key={field.key}
            providerId={id}
            field={field}
            value={shown(field.key)}
            locked={locked(field.key)}
            error={errors[field.key]}
            onInput={(value) => setValues({ ...values, [field.key]: value })}
          />
        ))}
      </div>
      <fieldset>
        <legend>{t('dialPlanTitle')}</legend>
        <div class="grid narrow">
          <PlanField providerId={id} name="outsideLinePrefix" label={t('dialPlanOutsidePrefix')} locked={planLocked('outsideLinePrefix')} error={errors['plan.outsideLinePrefix']} help={t('dialPlanOutsidePrefixHelp')}>
            {(props) => (
              <input
                {...props}
                placeholder={t('dialPlanNone')}
                value={shownPlan.outsideLinePrefix}
                onInput={(e) => setPlan({ ...plan, outsideLinePrefix: (e.target as HTMLInputElement).value.trim() })}
              />
            )}
          </PlanField>
          {(['internationalPrefix', 'extension'] as const).map((key) => (
            <PlanField key={key} providerId={id} name={key} label={key === 'extension' ? t('dialPlanExtension') : t('dialPlanInternational')} locked={planLocked(key)} error={errors[`plan.${key}`]}>
              {(props) => (
                <select {...props} value={shownPlan[key]} onChange={(e) => setPlan({ ...plan, [key]: (e.target as HTMLSelectElement).value })}>
                  {DIAL_PLAN_CHOICES[key].map(([value, text]) => (
                    <option key={value} value={value}>
                      {t(text)}
                    </option>
                  ))}
                </select>
              )}
            </PlanField>
          ))}
        </div>
      </fieldset>
      <div class="row">
        <button class="primary" type="submit" disabled={busy || everythingLocked} data-testid={`save-${id}`}>
          {busy ? t('optionsSaving') : t('save')}
        </button>
        {message && (
          <span class={message.error ? 'error-text' : 'ok-text'} role={message.error ? 'alert' : 'status'} data-testid={`save-message-${id}`}>
            {message.text}
          </span>
        )}
      </div>
    </form>
  );
}

function Field(props: { providerId: string; field: SettingsField; value: FormValue; locked: boolean; error: string | undefined; onInput(value: FormValue): void }) {
  const { field, providerId } = props;
  const inputId = `setting-${providerId}-${field.key}`;
  const noteId = `${inputId}-note`;
  return (
    <div class="field">
      <div class="field-head">
        <label for={inputId}>{field.label}</label>
        {props.locked && <LockNote id={`${inputId}-lock`} testid={`locked-${providerId}-${field.key}`} />}
      </div>
      <SettingInput
        field={field}
        value={props.value}
        id={inputId}
        testid={inputId}
        disabled={props.locked}
        invalid={!!props.error}
        describedBy={[props.locked ? `${inputId}-lock` : '', noteId].filter(Boolean).join(' ')}
        onChange={props.onInput}
      />
      {props.error ? (
        <span class="field-error" id={noteId} data-testid={`error-${providerId}-${field.key}`}>
          {props.error}
        </span>
      ) : (
        <span class="muted small" id={noteId}>
          {field.help}
        </span>
      )}
    </div>
  );
}

interface ControlProps {
  id: string;
  name: string;
  'data-testid': string;
  disabled: boolean;
  'aria-invalid'?: 'true';
  'aria-describedby': string;
}

function PlanField(props: {
  providerId: string;
  name: keyof DialPlan;
  label: string;
  locked: boolean;
  error: string | undefined;
  help?: string;
  children: (control: ControlProps) => JSX.Element;
}) {
  const inputId = `dialplan-${props.providerId}-${props.name}`;
  const noteId = `${inputId}-note`;
  return (
    <div class="field">
      <div class="field-head">
        <label for={inputId}>{props.label}</label>
        {props.locked && <LockNote id={`${inputId}-lock`} testid={`locked-${inputId}`} />}
      </div>
      {props.children({
        id: inputId,
        name: props.name,
        'data-testid': inputId,
        disabled: props.locked,
        ...(props.error ? { 'aria-invalid': 'true' as const } : {}),
        'aria-describedby': [props.locked ? `${inputId}-lock` : '', noteId].filter(Boolean).join(' '),
      })}
      {props.error ? (
        <span class="field-error" id={noteId} data-testid={`error-${inputId}`}>
          {props.error}
        </span>
      ) : (
        <span class="muted small" id={noteId}>
          {props.help}
        </span>
      )}
    </div>
  );
}
