/** What gets dialled: the dial plan of the active (or selected) provider. */
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../shared/errors.ts';
import { isDialPlanLocked, NO_POLICY } from '../shared/managed-schema.ts';
import { LockNote } from '../options/lock.tsx';
import { usePolicy } from '../options/policy.ts';
import { send } from '../shared/messaging.ts';
import { DEFAULT_DIAL_PLAN, type DialPlan } from '../shared/phone/dial-plan.ts';
import type { PublicState } from '../shared/session-state.ts';
import { t } from '../shared/i18n.ts';

export function DialPlanForm({ state }: { state: PublicState }) {
  const providerId = state.providerId ?? 'cmcc-softbar';
  const [plan, setPlan] = useState<DialPlan>(DEFAULT_DIAL_PLAN);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  useEffect(() => {
    void send('settings/dial-plan-get', { providerId }).then(setPlan, (e) => setMessage({ text: errorMessage(e), error: true }));
  }, [providerId]);
  // Fields pushed by enterprise policy are in force and locked (docs/settings.md).
  const policy = usePolicy()?.policy ?? NO_POLICY;
  const locked = (key: keyof DialPlan) => isDialPlanLocked(policy, providerId, key);
  const lock = (key: keyof DialPlan) => locked(key) && <LockNote id={`lock-plan-${key}`} testid={`locked-plan-${key}`} />;
  const shown: DialPlan = { ...plan, ...policy.dialPlans[providerId] };
  return (
    <details class="card" data-testid="dial-plan">
      <summary class="strong">{t('dialPlanTitle')}</summary>
      <label>
        <span class="row">{t('dialPlanOutsidePrefix')}{lock('outsideLinePrefix')}</span>
        <input
          data-testid="dial-plan-prefix"
          placeholder={t('dialPlanNone')}
          disabled={locked('outsideLinePrefix')}
          value={shown.outsideLinePrefix}
          onInput={(e) => setPlan({ ...plan, outsideLinePrefix: (e.target as HTMLInputElement).value.trim() })}
        />
        <span class="muted small">{t('dialPlanOutsidePrefixHelp')}</span>
      </label>
      <label>
        <span class="row">{t('dialPlanInternational')}{lock('internationalPrefix')}</span>
        <select value={shown.internationalPrefix} disabled={locked('internationalPrefix')} onChange={(e) => setPlan({ ...plan, internationalPrefix: (e.target as HTMLSelectElement).value as DialPlan['internationalPrefix'] })}>
          <option value="00">{t('dialPlanIntl00')}</option>
          <option value="+">{t('dialPlanIntlPlus')}</option>
        </select>
      </label>
      <label>
        <span class="row">{t('dialPlanExtension')}{lock('extension')}</span>
        <select data-testid="dial-plan-extension" value={shown.extension} disabled={locked('extension')} onChange={(e) => setPlan({ ...plan, extension: (e.target as HTMLSelectElement).value as DialPlan['extension'] })}>
          <option value="drop">{t('dialPlanExtDrop')}</option>
          <option value="dtmf">{t('dialPlanExtDtmf')}</option>
        </select>
      </label>
      <button
        data-testid="dial-plan-save"
        onClick={async () => {
          try {
            await send('settings/dial-plan-set', { providerId, plan: shown });
            setMessage({ text: t('dialPlanSaved'), error: false });
          } catch (error) {
            setMessage({ text: errorMessage(error), error: true });
          }
        }}
      >
        {t('dialPlanSave')}
      </button>
      {message && <div class={message.error ? 'banner error' : 'small ok-text'}>{message.text}</div>}
    </details>
  );
}
