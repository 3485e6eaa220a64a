/** 来电设置: the ringtone, and the screen pop (a CRM URL with the caller's number on ring or on answer). */
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../shared/errors.ts';
import { send } from '../shared/messaging.ts';
import { DEFAULT_SCREEN_POP, type ScreenPopSettings, screenPopProblem } from '../shared/screen-pop.ts';
import { t } from '../shared/i18n.ts';

export function ScreenPopForm() {
  const [settings, setSettings] = useState<ScreenPopSettings>(DEFAULT_SCREEN_POP);
  const [ringtone, setRingtone] = useState(true);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  useEffect(() => {
    void send('settings/general-get', {}).then(
      (g) => {
        setSettings(g.screenPop);
        setRingtone(g.ringtone);
      },
      (e) => setMessage({ text: errorMessage(e), error: true }),
    );
  }, []);
  return (
    <details class="card" data-testid="screen-pop">
      <summary class="strong">{t('screenPopTitle')}</summary>
      <label class="check">
        <input type="checkbox" data-testid="ringtone-toggle" checked={ringtone} onChange={(e) => setRingtone((e.target as HTMLInputElement).checked)} />
        {t('ringtoneLabel')}
      </label>
      <label>
        {t('screenPopWhen')}
        <select
          data-testid="screen-pop-when"
          value={settings.when}
          onChange={(e) => setSettings({ ...settings, when: (e.target as HTMLSelectElement).value as ScreenPopSettings['when'] })}
        >
          <option value="off">{t('screenPopOff')}</option>
          <option value="ring">{t('screenPopRing')}</option>
          <option value="answer">{t('screenPopAnswer')}</option>
        </select>
      </label>
      <label>
        {t('screenPopUrl')}
        <input
          data-testid="screen-pop-url"
          placeholder="https://crm.example.com/search?phone={number}"
          value={settings.urlTemplate}
          onInput={(e) => setSettings({ ...settings, urlTemplate: (e.target as HTMLInputElement).value })}
        />
        <span class="muted small">{t('screenPopUrlHelp')}</span>
      </label>
      <button
        data-testid="screen-pop-save"
        onClick={async () => {
          const problem = screenPopProblem(settings);
          if (problem) return setMessage({ text: problem, error: true });
          try {
            await send('settings/general-set', { screenPop: settings, ringtone });
            setMessage({ text: t('screenPopSaved'), error: false });
          } catch (error) {
            setMessage({ text: errorMessage(error), error: true });
          }
        }}
      >
        {t('screenPopSave')}
      </button>
      {message && (
        <div class={message.error ? 'banner error' : 'small ok-text'} data-testid="screen-pop-message">
          {message.text}
        </div>
      )}
    </details>
  );
}
