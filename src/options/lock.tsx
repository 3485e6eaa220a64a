/**
 * The mark on a value the administrator set: a padlock + 由管理员设置. The padlock is drawn (not
 * the 🔒 emoji), so it shows the same on PCs without a colour-emoji font.
 */
import { POLICY_MESSAGES } from '../shared/managed-schema.ts';
import { t } from '../shared/i18n.ts';

export function LockIcon() {
  return (
    <svg class="lock-icon" aria-hidden="true" viewBox="0 0 16 16" width="12" height="12">
      <path fill="currentColor" d="M8 1a3.5 3.5 0 0 0-3.5 3.5V7H4a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h8a1 1 0 0 0 1-1V8a1 1 0 0 0-1-1h-.5V4.5A3.5 3.5 0 0 0 8 1Zm-2 6V4.5a2 2 0 1 1 4 0V7H6Z" />
    </svg>
  );
}

export function LockNote({ id, testid }: { id: string; testid: string }) {
  return (
    <span class="lock" id={id} data-testid={testid} title={t('lockTitle')}>
      <LockIcon />
      {POLICY_MESSAGES.locked}
    </span>
  );
}
