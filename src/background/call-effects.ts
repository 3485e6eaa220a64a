/**
 * What happens around a call besides its state: the recent-calls list, the system
 * notification for an incoming call (with 接听 / 拒接 when the provider can), the
 * ringtone and the screen pop. Driven by the engine's onCallChange, which fires once per persisted
 * change, so nothing here repeats when the worker restarts.
 */
import browser from 'webextension-polyfill';
import { addRecordToHistory, addToHistory, historyEntry } from '../shared/call-history.ts';
import { announceHistoryChanged } from '../shared/history-channel.ts';
import type { CallRecord } from '../shared/call-events.ts';
import type { Call } from '../shared/call-state.ts';
import { shownNumber } from '../shared/format.ts';
import { t } from '../shared/i18n.ts';
import { screenPopUrl } from '../shared/screen-pop.ts';
import type { PublicState } from '../shared/session-state.ts';
import { startRinging, stopRinging } from './ringer.ts';
import type { SessionEngine } from './session-engine.ts';
import { loadGeneral, loadHistory, saveHistory } from './settings-store.ts';

const NOTIFICATION_PREFIX = 'callbar-incoming:';
const SCREEN_POP_TAB = 'callbar:screenPopTab';

let historyQueue: Promise<unknown> = Promise.resolve();

export function onCallChange(previous: Call | null, current: Call | null, state: PublicState): void {
  // Ended now: also a call that began and ended within one batch of events (a poll after a
  // restart can bring both), which the previous state never showed.
  if (current?.state === 'ended' && !(previous?.id === current.id && previous.state === 'ended')) {
    const entry = historyEntry(current);
    historyQueue = historyQueue
      .then(async () => saveHistory(addToHistory(await loadHistory(), entry)))
      .then(announceHistoryChanged)
      .catch((error) => console.warn('[callbar] the call could not be added to the recent calls', error));
  }
  if (current?.state === 'incoming' && previous?.id !== current.id) {
    void notifyIncoming(current, state);
    void screenPop(current, 'ring');
    void loadGeneral().then((general) => (general.ringtone ? startRinging() : undefined));
  }
  if (previous?.state === 'incoming' && (current?.id !== previous.id || current.state !== 'incoming')) {
    void browser.notifications.clear(`${NOTIFICATION_PREFIX}${previous.id}`);
    void stopRinging();
  }
  if (current?.direction === 'inbound' && current.state === 'connected' && previous?.state === 'incoming') {
    void screenPop(current, 'answer');
  }
}

/** The platform's record of a finished call (CDR): it corrects or adds the recent-calls row. */
export function onCallRecord(record: CallRecord): void {
  historyQueue = historyQueue
    .then(async () => saveHistory(addRecordToHistory(await loadHistory(), record)))
    .then(announceHistoryChanged)
    .catch((error) => console.warn('[callbar] the call record could not be added to the recent calls', error));
}

async function notifyIncoming(call: Call, state: PublicState): Promise<void> {
  const buttons = [
    ...(state.capabilities?.answer ? [{ title: t('callAnswer') }] : []),
    ...(state.capabilities?.hangup ? [{ title: t('callReject') }] : []),
  ];
  await browser.notifications
    .create(`${NOTIFICATION_PREFIX}${call.id}`, {
      type: 'basic',
      iconUrl: browser.runtime.getURL('icons/icon-128.png'),
      title: t('callStateIncoming'),
      message: shownNumber(call.number, state),
      contextMessage: state.providerName ?? 'CallBar',
      priority: 2,
      requireInteraction: true,
      ...(buttons.length ? { buttons } : {}),
    } as browser.Notifications.CreateNotificationOptions)
    // The toolbar and popup still show the call; a missing notification is not worth more.
    .catch((error) => console.warn('[callbar] incoming-call notification failed', error));
}

async function screenPop(call: Call, moment: 'ring' | 'answer'): Promise<void> {
  const { screenPop: settings } = await loadGeneral();
  if (settings.when !== moment || !settings.urlTemplate) return;
  const url = screenPopUrl(settings, call.number);
  const stored = (await browser.storage.session.get(SCREEN_POP_TAB))[SCREEN_POP_TAB] as number | undefined;
  if (stored !== undefined) {
    try {
      const tab = await browser.tabs.update(stored, { url, active: true });
      if (tab?.windowId !== undefined) await browser.windows.update(tab.windowId, { focused: true }).catch(() => undefined);
      return;
    } catch {
      // closed since: open a new one
    }
  }
  const tab = await browser.tabs.create({ url, active: true });
  if (tab.id !== undefined) await browser.storage.session.set({ [SCREEN_POP_TAB]: tab.id });
}

/** Register at the top level of the worker: notification buttons answer or reject. */
export function listenForNotifications(engine: SessionEngine): void {
  browser.notifications.onButtonClicked.addListener((id, index) => {
    if (!id.startsWith(NOTIFICATION_PREFIX)) return;
    const caps = engine.publicState().capabilities;
    const actions = [...(caps?.answer ? (['answer'] as const) : []), ...(caps?.hangup ? (['hangup'] as const) : [])];
    const action = actions[index];
    if (action) void engine.callAction(action).catch(() => undefined);
    void browser.notifications.clear(id);
  });
  browser.notifications.onClicked.addListener((id) => {
    if (id.startsWith(NOTIFICATION_PREFIX)) void browser.action.openPopup?.().catch(() => undefined);
  });
}
