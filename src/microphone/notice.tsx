/**
 * The word on the microphone while CallBar may not use it, the same in the popup (login form,
 * logged-in card) and on the options page (话机设备): ask for it (the microphone page), or how to
 * unblock it. Draws nothing once the permission is granted.
 */
import { useState } from 'preact/hooks';
import { t } from '../shared/i18n.ts';
import { MIC_SETTINGS_URL, type MicPermission, micNotice } from './mic-state.ts';
import { type MicPageOpener, openMicrophonePage, openMicSettings } from './permission.ts';

export function MicNotice({ permission, needed, from, testid = 'mic-notice' }: { permission: MicPermission | null; needed: boolean; from: MicPageOpener; testid?: string }) {
  const kind = micNotice(permission, needed);
  if (!kind) return null;
  if (kind === 'prompt') {
    return (
      <div class="banner warn mic-notice" role="status" data-testid={testid} data-state="prompt">
        <span class="mic-text">
          <b>{t('micNeeded')}</b>
          <span>{t('micNeededWhy')}</span>
        </span>
        {/* type="button": the notice sits in the login form, where a plain button would log in. */}
        <button type="button" class="primary" data-testid="mic-allow" onClick={() => void openMicrophonePage(from)}>
          {t('micAllow')}
        </button>
      </div>
    );
  }
  return (
    <div class="banner error mic-notice" role="alert" data-testid={testid} data-state="denied">
      <b>{t('micBlocked')}</b>
      <span class="mic-step">
        <button type="button" data-testid="mic-open-settings" onClick={() => void openMicSettings()}>
          {t('micOpenSettings')}
        </button>
        <span>{t('micBlockedHow')}</span>
      </span>
      <span class="small">{t('micBlockedAddress')}</span>
      <CopyableAddress />
    </div>
  );
}

/** chrome://settings/content/microphone as text to copy: no link on an extension page can open it. */
export function CopyableAddress() {
  const [copied, setCopied] = useState(false);
  return (
    <span class="copyable">
      <code data-testid="mic-settings-address">{MIC_SETTINGS_URL}</code>
      <button
        type="button"
        data-testid="mic-copy-address"
        onClick={() =>
          void navigator.clipboard.writeText(MIC_SETTINGS_URL).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? t('micCopied') : t('micCopy')}
      </button>
    </span>
  );
}
