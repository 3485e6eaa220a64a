/**
 * The service worker's side of the browser phone: sends PhoneCommands to the offscreen
 * document (creating it first) and hands the phone's status to whoever subscribed (the
 * provider session). Statuses arrive with each reply and unasked (index.ts passes them to
 * `deliver` after checking the sender); older ones than already seen are dropped.
 */
import { CallbarError } from '../shared/errors.ts';
import { t } from '../shared/i18n.ts';
import { DEFAULT_DEVICES, PHONE_CHANNEL, type PhoneCommand, type PhoneDevices, type PhoneReply, type PhoneStatus } from '../shared/softphone.ts';
import type { PhoneLink } from '../providers/provider.ts';
import { phoneError } from '../providers/phone-text.ts';
import { ensureOffscreen, releaseOffscreen } from './offscreen-document.ts';

export const OFFSCREEN_URL_PATH = 'src/offscreen/index.html';

export class ChromePhoneLink implements PhoneLink {
  private readonly listeners = new Set<(status: PhoneStatus) => void>();
  private last: { instance: string; seq: number } | null = null;

  constructor(private readonly devices: () => Promise<PhoneDevices>) {}

  async send(command: PhoneCommand): Promise<PhoneStatus> {
    if (command.type === 'register' && !command.devices) command = { ...command, devices: await this.devices().catch(() => DEFAULT_DEVICES) };
    try {
      await ensureOffscreen();
    } catch (error) {
      throw phoneError({ code: 'document', message: (error as Error).message });
    }
    let reply: PhoneReply | undefined;
    try {
      reply = (await chrome.runtime.sendMessage({ channel: PHONE_CHANNEL, command })) as PhoneReply | undefined;
    } catch (error) {
      throw phoneError({ code: 'document', message: (error as Error).message });
    }
    if (!reply) throw new CallbarError('internal', t('phoneDocument', 'no reply'));
    if (reply.status) this.deliver(reply.status);
    if (!reply.ok) throw phoneError(reply.error, command.type === 'register' ? command.account.wsUrl : '');
    if (command.type === 'unregister') void releaseOffscreen().catch(() => undefined);
    return reply.status;
  }

  subscribe(listener: (status: PhoneStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A status from the phone (a reply or pushed). Stale ones (an older seq of the same document) are dropped. */
  deliver(status: PhoneStatus): void {
    if (this.last && this.last.instance === status.instance && status.seq <= this.last.seq) return;
    this.last = { instance: status.instance, seq: status.seq };
    for (const listener of [...this.listeners]) listener(status);
  }
}

/** Only the offscreen document of this extension may report the phone's status. */
export function fromOffscreen(sender: { id?: string; tab?: unknown; url?: string }, extensionId: string, offscreenUrl: string): boolean {
  return sender.id === extensionId && !sender.tab && sender.url === offscreenUrl;
}
