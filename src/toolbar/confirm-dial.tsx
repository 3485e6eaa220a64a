/**
 * A number taken from page text (the agent selected it and used 拨打选中号码 or Alt+Shift+D)
 * waits here for the agent to confirm it: a page can choose what is selected, so the number is
 * dialled only from this extension frame, which the page cannot click or read.
 */
import { send } from '../shared/messaging.ts';
import { t } from '../shared/i18n.ts';
import type { Run } from './actions.ts';
import { trusted } from './actions.ts';

export function ConfirmDial({ pending, run }: { pending: { dial: string; text: string }; run: Run }) {
  return (
    <div class="confirm" role="alertdialog" aria-label={t('confirmDialTitle')} data-testid="toolbar-confirm-dial">
      <div class="confirm-title">{t('confirmDialTitle')}</div>
      <div class="confirm-number" data-testid="toolbar-confirm-number" data-platform>
        {pending.dial}
      </div>
      {pending.text !== pending.dial && <div class="confirm-text">{t('confirmDialFrom', pending.text)}</div>}
      <div class="confirm-actions">
        <button type="button" class="ok" data-testid="toolbar-confirm-yes" onClick={trusted(() => void run('confirm-dial', () => send('call/confirm-dial', { confirm: true })))}>
          {t('confirmDialYes')}
        </button>
        <button type="button" data-testid="toolbar-confirm-no" onClick={trusted(() => void run('confirm-cancel', () => send('call/confirm-dial', { confirm: false })))}>
          {t('cancel')}
        </button>
      </div>
    </div>
  );
}
