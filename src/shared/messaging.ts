/**
 * Typed senders for the protocol in messages.ts. Errors thrown by a handler come
 * back as CallbarError with the handler's code and message.
 */
import browser from 'webextension-polyfill';
import { CallbarError, deserializeError } from './errors.ts';
import type { Envelope, Messages, MessageType, Reply, TabEnvelope, TabMessages, TabMessageType } from './messages.ts';

export async function send<K extends MessageType>(type: K, payload: Messages[K]['req']): Promise<Messages[K]['res']> {
  const envelope: Envelope<K> = { channel: 'callbar', type, payload };
  let reply: Reply<Messages[K]['res']> | undefined;
  try {
    reply = (await browser.runtime.sendMessage(envelope)) as Reply<Messages[K]['res']> | undefined;
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    if (/context invalidated/i.test(message)) {
      throw new CallbarError('internal', 'CallBar 已更新或重新加载，请刷新本页面');
    }
    throw new CallbarError('internal', `无法联系 CallBar 后台：${message}`);
  }
  if (!reply) throw new CallbarError('internal', 'CallBar 后台没有回应，请稍后重试');
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
    throw new CallbarError('unsupported', '当前页面不能放置拨号按钮（请在普通网页上使用，或刷新页面后重试）');
  }
  if (!reply) throw new CallbarError('internal', '页面没有回应，请刷新页面后重试');
  if (!reply.ok) throw deserializeError(reply.error);
  return reply.value;
}
