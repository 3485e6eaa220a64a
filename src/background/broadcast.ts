/**
 * Pushes the public state to every open popup and content script over long-lived
 * ports, and mirrors it on the toolbar icon (coloured when logged in, a badge
 * while a call rings or is up).
 */
import browser from 'webextension-polyfill';
import type { StatePush } from '../shared/messages.ts';
import type { PublicState } from '../shared/session-state.ts';
import { setCallBadge } from './tab-badges.ts';

const ports = new Set<browser.Runtime.Port>();
let lastIconKey = '';

export function attachPort(port: browser.Runtime.Port, state: PublicState): void {
  ports.add(port);
  port.onDisconnect.addListener(() => ports.delete(port));
  post(port, state);
}

export function publishState(state: PublicState): void {
  for (const port of ports) post(port, state);
  updateAction(state);
}

function post(port: browser.Runtime.Port, state: PublicState): void {
  try {
    port.postMessage({ type: 'state', state } satisfies StatePush);
  } catch {
    ports.delete(port);
  }
}

const BADGES: Partial<Record<string, { text: string; color: string }>> = {
  dialing: { text: '呼叫', color: '#1677ff' },
  ringing: { text: '振铃', color: '#1677ff' },
  incoming: { text: '来电', color: '#fa8c16' },
  connected: { text: '通话', color: '#52c41a' },
  held: { text: '保持', color: '#faad14' },
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
