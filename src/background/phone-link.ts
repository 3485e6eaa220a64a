/**
 * The service worker's side of the browser phone: sends PhoneCommands to the offscreen
 * document (creating it first) and hands the phone's status to whoever subscribed (the
 * provider session). Statuses arrive with each reply and unasked (index.ts passes them to
 * `deliver` after checking the sender); older ones than already seen are dropped. What the offscreen
 * document sends is read with readPhoneStatus / readPhoneReply first: a status of the wrong shape is
 * dropped (the last good one stands), never handed to a session as if it were one.
 */
import { z } from 'zod';
import { CallbarError } from '../shared/errors.ts';
import { t } from '../shared/i18n.ts';
import { DEFAULT_DEVICES, PHONE_CHANNEL, type PhoneCommand, type PhoneDevices, type PhoneReply, type PhoneStatus } from '../shared/softphone.ts';
import type { PhoneLink } from '../providers/provider.ts';
import { preview } from '../providers/http.ts';
import { phoneError } from '../providers/phone-text.ts';
import { ensureOffscreen, releaseOffscreen } from './offscreen-document.ts';

export const OFFSCREEN_URL_PATH = 'src/offscreen/index.html';
/** How often the link asks for the phone after its document's lifeline broke (pauses 0.2 s, 0.4 s … 12.8 s). */
const DOCUMENT_LOOKS = 7;
const DOCUMENT_LOOK_PAUSE_MS = 200;
/** How long a new worker's session waits for the document's lifeline before asking for the phone. */
const LIFELINE_WAIT_MS = 1500;

export class ChromePhoneLink implements PhoneLink {
  private readonly listeners = new Set<(status: PhoneStatus) => void>();
  private last: { instance: string; seq: number } | null = null;
  private lifelinePort: chrome.runtime.Port | null = null;

  constructor(private readonly devices: () => Promise<PhoneDevices>) {}

  async send(command: PhoneCommand): Promise<PhoneStatus> {
    if (command.type === 'register' && !command.devices) command = { ...command, devices: await this.devices().catch(() => DEFAULT_DEVICES) };
    try {
      await ensureOffscreen();
    } catch (error) {
      throw phoneError({ code: 'document', message: (error as Error).message });
    }
    let raw: unknown;
    try {
      raw = await chrome.runtime.sendMessage({ channel: PHONE_CHANNEL, command });
    } catch (error) {
      throw phoneError({ code: 'document', message: (error as Error).message });
    }
    if (raw === undefined || raw === null) throw new CallbarError('internal', t('phoneDocument', 'no reply'));
    const reply = readPhoneReply(raw);
    if (!reply) throw new CallbarError('internal', t('phoneDocument', 'unreadable reply'), preview(raw));
    if (reply.status) this.deliver(reply.status);
    if (!reply.ok) throw phoneError(reply.error, command.type === 'register' ? command.account.wsUrl : '');
    if (command.type === 'unregister') void releaseOffscreen().catch(() => undefined);
    return reply.status;
  }

  /**
   * The phone document's lifeline broke: the document is gone (its renderer crashed, it was ended, or it
   * was never there after a browser restart), and the phone, its registration and any call with it; no
   * status says so. A session following the phone is then handed the status of a new document (no
   * account, no call), so it ends the call shown and registers again.
   */
  async documentClosed(): Promise<void> {
    // Ask for the status until a document answers: a live one (the port broke for another reason) says
    // where it is; else a new one is created. Chrome may still list a closing document for a moment, and
    // the new one may go too before it answers: look again, a little later each time.
    for (let look = 0, pause = DOCUMENT_LOOK_PAUSE_MS; look < DOCUMENT_LOOKS && this.listeners.size > 0; look++, pause *= 2) {
      try {
        await this.send({ type: 'status' });
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  subscribe(listener: (status: PhoneStatus) => void): () => void {
    this.listeners.add(listener);
    // A new worker's session: the document connects its lifeline to this worker at once. One that
    // closed while the worker was being replaced never will: then ask for the phone (a new document).
    if (this.listeners.size === 1) setTimeout(() => void (this.lifelinePort ? undefined : this.documentClosed()), LIFELINE_WAIT_MS);
    return () => this.listeners.delete(listener);
  }

  /** The phone document's lifeline reached this worker (index.ts): its end means the document is gone. */
  lifeline(port: chrome.runtime.Port): void {
    this.lifelinePort = port;
    port.onDisconnect.addListener(() => {
      if (this.lifelinePort !== port) return;
      this.lifelinePort = null;
      void this.documentClosed();
    });
  }

  /** A status from the phone (a reply or pushed). Stale ones (an older seq of the same document) are dropped. */
  deliver(value: unknown): void {
    const status = readPhoneStatus(value);
    if (!status) return;
    if (this.last && this.last.instance === status.instance && status.seq <= this.last.seq) return;
    this.last = { instance: status.instance, seq: status.seq };
    for (const listener of [...this.listeners]) listener(status);
  }
}

/** Only the offscreen document of this extension may report the phone's status. */
export function fromOffscreen(sender: { id?: string; tab?: unknown; url?: string }, extensionId: string, offscreenUrl: string): boolean {
  return sender.id === extensionId && !sender.tab && sender.url === offscreenUrl;
}

// ── What the offscreen document sends, read ─────────────────────────────────────────────────────

/** A string from the phone, cut to `max` (a runaway value must not reach a session or storage). */
const capped = (max: number) => z.string().transform((v) => (v.length > max ? v.slice(0, max) : v));
const finite = z.number().refine(Number.isFinite);
/** An optional field that is not what the phone writes: absent. */
const opt = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);

const phoneCallSchema = z.object({
  id: capped(256).pipe(z.string().min(1)),
  direction: z.enum(['outbound', 'inbound']),
  remote: capped(256),
  remoteName: opt(capped(256)),
  state: z.enum(['dialing', 'ringing', 'incoming', 'connected', 'held', 'ended']),
  muted: z.boolean(),
  startedAt: finite,
  connectedAt: opt(finite),
  endedAt: opt(finite),
  cause: opt(z.enum(['local-hangup', 'remote-hangup', 'busy', 'rejected', 'declined-locally', 'no-answer', 'canceled', 'not-found', 'unavailable', 'transferred', 'media-failed', 'microphone', 'connection-lost', 'auth', 'failed'])),
  code: opt(z.number().int().min(100).max(699)),
  digits: capped(256),
  quality: opt(z.object({ mos: finite, rttMs: finite, jitterMs: finite, lossPct: finite, poor: z.boolean(), worstMos: finite, meanMos: finite, samples: finite, mosSum: opt(finite) })),
  autoAnswered: opt(z.boolean()),
});

const phoneStatusSchema = z.object({
  instance: capped(256),
  seq: finite,
  account: capped(4096).nullable(),
  registration: z.enum(['unregistered', 'registering', 'registered', 'failed', 'reconnecting']),
  registrationError: opt(z.object({ cause: z.enum(['auth', 'unreachable', 'refused', 'timeout']), code: opt(finite), text: opt(capped(500)) })),
  dnd: z.boolean(),
  mic: z.enum(['unknown', 'ok', 'denied', 'missing', 'lost']),
  call: phoneCallSchema.nullable(),
  retries: finite.pipe(z.number().min(0)),
});

const phoneReplySchema = z.union([
  z.object({ ok: z.literal(true), status: phoneStatusSchema }),
  z.object({ ok: z.literal(false), error: z.object({ code: capped(64), message: capped(500), cause: opt(capped(500)) }), status: opt(phoneStatusSchema) }),
]);

/**
 * The schemas read what shared/softphone.ts declares, checked by the compiler both ways: a cause, state
 * or required field added there and not here is a type error, not statuses silently dropped.
 */
export const statusAsSchemaInput = (status: PhoneStatus): z.input<typeof phoneStatusSchema> => status;
export const schemaOutputAsStatus = (status: z.output<typeof phoneStatusSchema>): PhoneStatus => status;

/** Zod reads plain data; a value it cannot read at all (a getter that throws) is no status either. */
function read<T>(schema: z.ZodType<T>, value: unknown): T | null {
  try {
    const r = schema.safeParse(value);
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** A PhoneStatus from the offscreen document, or null when it is not one (fields of the wrong type, missing). */
export function readPhoneStatus(value: unknown): PhoneStatus | null {
  return read(phoneStatusSchema, value) as PhoneStatus | null;
}

/** The phone's reply to a command, or null when it is not one. */
export function readPhoneReply(value: unknown): PhoneReply | null {
  return read(phoneReplySchema, value) as PhoneReply | null;
}
