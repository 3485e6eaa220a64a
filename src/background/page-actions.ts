/**
 * Dialling and call control from outside the page's buttons: the context-menu item
 * "拨打选中号码" on selected text and the keyboard shortcuts (dial the selection,
 * answer / hang up, toggle ready). The menu and the shortcuts are browser UI, so the
 * agent really asked; but the selected text is the page's to choose (a script can select
 * anything, in any frame), so it is never dialled at once: the number it becomes is shown
 * in the toolbar of that tab (or the popup, where the site has no toolbar) and dialled
 * when the agent confirms it there (engine.proposeDial / confirmDial). The shortcut reads
 * the selection of the focused frame only. Why it could not dial is shown on the page.
 */
import browser from 'webextension-polyfill';
import { serializeError } from '../shared/errors.ts';
import type { TabEnvelope, TabMessages, TabMessageType } from '../shared/messages.ts';
import { hasToolbarIn } from './broadcast.ts';
import type { SessionEngine } from './session-engine.ts';
import { answerOrHangup, toggledReadyState } from './shortcuts.ts';
import { t } from '../shared/i18n.ts';

export const MENU_DIAL_SELECTION = 'callbar-dial-selection';
export const COMMAND_DIAL_SELECTION = 'dial-selection';
export const COMMAND_ANSWER_OR_HANGUP = 'answer-or-hangup';
export const COMMAND_TOGGLE_READY = 'toggle-ready';

async function toTab<K extends TabMessageType>(tabId: number, type: K, payload: TabMessages[K]['req'], frameId?: number): Promise<unknown> {
  const envelope: TabEnvelope<K> = { channel: 'callbar-tab', type, payload };
  return browser.tabs.sendMessage(tabId, envelope, frameId === undefined ? undefined : { frameId }).catch(() => undefined);
}

async function dialSelection(engine: SessionEngine, text: string, tabId: number | undefined): Promise<void> {
  try {
    await engine.proposeDial(text);
    // Confirmed in the toolbar when this tab shows one; otherwise in the popup.
    if (tabId === undefined || !hasToolbarIn(tabId)) await browser.action.openPopup().catch(() => undefined);
  } catch (error) {
    if (tabId !== undefined) await toTab(tabId, 'page/toast', { message: serializeError(error).message, kind: 'error' });
  }
}

/** Register at the top level of the worker. */
export function listenForPageActions(engine: SessionEngine): void {
  browser.runtime.onInstalled.addListener(() => {
    void browser.contextMenus.removeAll().then(() =>
      browser.contextMenus.create({ id: MENU_DIAL_SELECTION, title: t('menuDialSelection'), contexts: ['selection'] }),
    );
  });
  browser.contextMenus.onClicked.addListener((info, tab) => {
    if (info.menuItemId !== MENU_DIAL_SELECTION || !info.selectionText) return;
    void dialSelection(engine, info.selectionText, tab?.id);
  });
  browser.commands.onCommand.addListener(async (command, tab) => {
    if (command === COMMAND_ANSWER_OR_HANGUP || command === COMMAND_TOGGLE_READY) {
      await engine.wake();
      const state = engine.publicState();
      try {
        if (command === COMMAND_ANSWER_OR_HANGUP) {
          const action = answerOrHangup(state);
          if (action) await engine.callAction(action);
        } else {
          const next = toggledReadyState(state);
          if (next) await engine.setAgentState(next);
        }
      } catch (error) {
        if (tab?.id !== undefined) await toTab(tab.id, 'page/toast', { message: serializeError(error).message, kind: 'error' });
      }
      return;
    }
    if (command !== COMMAND_DIAL_SELECTION) return;
    const tabId = tab?.id ?? (await browser.tabs.query({ active: true, lastFocusedWindow: true }))[0]?.id;
    if (tabId === undefined) return;
    // Only the frame that has the focus answers (content/index.ts).
    const reply = (await toTab(tabId, 'page/selection', {})) as { ok: true; value: { text: string } } | undefined;
    const text = reply?.ok ? reply.value.text : '';
    if (!text) return void toTab(tabId, 'page/toast', { message: t('selectNumberFirst'), kind: 'error' });
    await dialSelection(engine, text, tabId);
  });
}

/** The picker finished in one frame of `tabId`: stop it in all the others. */
export function stopPickerInTab(tabId: number): void {
  void toTab(tabId, 'page/stop-picker', {});
}
