/**
 * Typed senders for the protocol in messages.ts. Errors thrown by a handler come
 * back as CallbarError with the handler's code and message.
 */
import browser from 'webextension-polyfill';
import { CallbarError, deserializeError } from './errors.ts';
import type { Envelope, Messages, MessageType, Reply, TabEnvelope, TabMessages, TabMessageType } from './messages.ts';
import { t } from './i18n.ts';

export async function send<K extends MessageType>(type: K, payload: Messages[K]['req']): Promise<Messages[K]['res']> {
  const envelope: Envelope<K> = { channel: 'callbar', type, payload };
  let reply: Reply<Messages[K]['res']> | undefined;
  try {
    reply = (await browser.runtime.sendMessage(envelope)) as Reply<Messages[K]['res']> | undefined;
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    if (/context invalidated/i.test(message)) {
      throw new CallbarError('internal', reloadedMessage());
    }
    throw new CallbarError('internal', t('backgroundUnreachable', message));
  }
  if (!reply) throw new CallbarError('internal', t('backgroundNoReply'));
  if (!reply.ok) throw deserializeError(reply.error);
  return reply.value;
}

export async function sendToTab<K extends TabMessageType>(
  tabId: number,
  type: K,
  payload: TabMessages[K]['req'],
): Promise<TabMessages[K]['res']> {
  const envelope: TabEnvelope<K> = { channel: 'callbar-tab', type, payload };
  let reply: Reply<TabMessages[K]['res']> | undefined;
  try {
    reply = (await browser.tabs.sendMessage(tabId, envelope)) as Reply<TabMessages[K]['res']> | undefined;
  } catch {
    throw new CallbarError('unsupported', t('pageCannotHostButtons'));
  }
  if (!reply) throw new CallbarError('internal', t('pageNoReply'));
  if (!reply.ok) throw deserializeError(reply.error);
  return reply.value;
}

/**
 * After the extension was reloaded, this content script's chrome.i18n is gone too (t() gives the
 * key back): then the message in both languages.
 */
function reloadedMessage(): string {
  const message = t('extensionReloaded');
  return message === 'extensionReloaded' ? 'CallBar 已更新或重新加载，请刷新本页面 / CallBar was updated or reloaded: reload this page' : message;
}
