/**
 * Pushes the session state to every open extension page (popup, options, toolbar frames) and
 * content script over long-lived ports, and mirrors it on the toolbar icon (coloured when
 * logged in, a badge while a call rings or is up). Content scripts live next to the page's
 * own scripts: they get `PageState` only (no agent, no call, no numbers).
 */
import browser from 'webextension-polyfill';
import type { SenderKind, StatePush } from '../shared/messages.ts';
import { type PageState, pageStateOf, type PublicState } from '../shared/session-state.ts';
import { setCallBadge } from './tab-badges.ts';
import { t } from '../shared/i18n.ts';

const ports = new Map<browser.Runtime.Port, SenderKind>();
let lastIconKey = '';

export function attachPort(port: browser.Runtime.Port, kind: SenderKind, state: PublicState): void {
  ports.set(port, kind);
  port.onDisconnect.addListener(() => ports.delete(port));
  post(port, kind, state);
}

export function publishState(state: PublicState): void {
  for (const [port, kind] of ports) post(port, kind, state);
  updateAction(state);
}

/** Is a toolbar frame of ours open in this tab (it shows confirmations there)? */
export function hasToolbarIn(tabId: number): boolean {
  for (const [port, kind] of ports) if (kind === 'extension-page' && port.sender?.tab?.id === tabId) return true;
  return false;
}

function post(port: browser.Runtime.Port, kind: SenderKind, state: PublicState): void {
  try {
    const push: StatePush<PublicState> | StatePush<PageState> = kind === 'content' ? { type: 'state', state: pageStateOf(state) } : { type: 'state', state };
    port.postMessage(push);
  } catch {
    ports.delete(port);
  }
}

const BADGES: Partial<Record<string, { text: string; color: string }>> = {
  dialing: { text: t('badgeDialing'), color: '#1677ff' },
  ringing: { text: t('badgeRinging'), color: '#1677ff' },
  incoming: { text: t('badgeIncoming'), color: '#fa8c16' },
  connected: { text: t('badgeConnected'), color: '#52c41a' },
  held: { text: t('badgeHeld'), color: '#faad14' },
};

function updateAction(state: PublicState): void {
  const loggedIn = state.status === 'loggedIn';
  const badge = state.call ? BADGES[state.call.state] : undefined;
  const key = `${loggedIn}|${badge?.text ?? ''}|${state.problem ? 1 : 0}`;
  if (key === lastIconKey) return;
  lastIconKey = key;
  const variant = loggedIn ? '' : 'gray-';
  void browser.action.setIcon({ path: { 16: `/icons/icon-${variant}16.png`, 32: `/icons/icon-${variant}32.png` } }).catch(() => undefined);
  setCallBadge(badge ?? (loggedIn && state.problem ? { text: '!', color: '#ff4d4f' } : null));
}
