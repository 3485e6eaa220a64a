/**
 * Every message to the service worker comes through `route()`: it checks who sent
 * it (MESSAGE_SENDERS), validates the payload (content scripts are untrusted) and
 * calls the one handler for its type. Nothing else in the background listens.
 */
import { z } from 'zod';
import { CallbarError, serializeError } from '../shared/errors.ts';
import { isProviderId, PROVIDER_IDS } from '../shared/ids.ts';
import { type Envelope, MESSAGE_SENDERS, type Messages, type MessageType, type Reply, type SenderKind } from '../shared/messages.ts';
import { normalizeNumber } from '../shared/phone-number.ts';
import type { SessionEngine } from './session-engine.ts';

export interface SenderInfo {
  id?: string;
  url?: string;
  tab?: unknown;
}

/**
 * Who sent a message: an extension page (popup, options; its URL is in our origin)
 * or a content script (it runs in a tab on an http(s) page). Anything else —
 * another extension, a page through externally_connectable, an unknown scheme —
 * is nobody we talk to.
 */
export function classifySender(sender: SenderInfo, runtimeId: string, extensionOrigin: string): SenderKind | null {
  if (sender.id !== runtimeId || !sender.url) return null;
  if (sender.url.startsWith(extensionOrigin)) return 'extension-page';
  if (sender.tab && /^https?:\/\//.test(sender.url)) return 'content';
  return null;
}

// Messages an agent may see are Chinese, zod's defaults included.
z.config(z.locales.zhCN());

const empty = z.object({}).strict();
const dialNumber = z
  .string()
  .max(64, '号码太长')
  .transform((v, ctx) => {
    const n = normalizeNumber(v);
    if (!n) ctx.addIssue({ code: 'custom', message: `“${v.slice(0, 32)}”不是可以拨打的号码` });
    return n ?? '';
  });

type Handlers = {
  [K in MessageType]: {
    payload: z.ZodType<Messages[K]['req']>;
    handle(payload: Messages[K]['req'], engine: SessionEngine): Promise<Messages[K]['res']>;
  };
};

export function createHandlers(deps: {
  loadSettings(providerId: Messages['settings/get']['req']['providerId']): Promise<unknown>;
  lastProviderId(): Promise<Messages['settings/get']['res']['lastProviderId']>;
}): Handlers {
  return {
    'state/get': { payload: empty, handle: async (_p, engine) => (await engine.wake(), engine.publicState()) },
    'settings/get': {
      payload: z.object({ providerId: z.enum(PROVIDER_IDS) }),
      handle: async ({ providerId }) => ({ settings: (await deps.loadSettings(providerId)) ?? null, lastProviderId: await deps.lastProviderId() }),
    },
    'session/login': {
      payload: z.object({ providerId: z.string().refine(isProviderId, '未知的平台'), settings: z.unknown() }) as z.ZodType<
        Messages['session/login']['req']
      >,
      handle: ({ providerId, settings }, engine) => engine.login(providerId, settings),
    },
    'session/logout': { payload: empty, handle: (_p, engine) => engine.logout() },
    'agent/set-state': {
      payload: z.object({ stateId: z.string().min(1).max(64) }),
      handle: ({ stateId }, engine) => engine.setAgentState(stateId),
    },
    'call/dial': { payload: z.object({ number: dialNumber }), handle: ({ number }, engine) => engine.dial(number) },
    'call/action': {
      payload: z.object({ action: z.enum(['answer', 'hangup', 'hold', 'unhold', 'mute', 'unmute']) }),
      handle: ({ action }, engine) => engine.callAction(action),
    },
    'call/transfer': {
      payload: z.object({ target: dialNumber }),
      handle: ({ target }, engine) => engine.transfer(target),
    },
    'call/extra': {
      payload: z.object({ actionId: z.string().min(1).max(64) }),
      handle: ({ actionId }, engine) => engine.extraAction(actionId),
    },
    'call/dismiss': { payload: empty, handle: (_p, engine) => engine.dismissCall() },
  };
}

export function isEnvelope(message: unknown): message is Envelope {
  return typeof message === 'object' && message !== null && (message as Envelope).channel === 'callbar' && typeof (message as Envelope).type === 'string';
}

export async function route(
  message: Envelope,
  sender: SenderKind | null,
  handlers: Handlers,
  engine: SessionEngine,
): Promise<Reply<unknown>> {
  try {
    const type = message.type as MessageType;
    const handler = handlers[type] as Handlers[MessageType] | undefined;
    if (!handler || !Object.hasOwn(MESSAGE_SENDERS, type)) throw new CallbarError('invalid-input', `未知的消息：${String(type)}`);
    if (!sender || !MESSAGE_SENDERS[type].includes(sender)) {
      throw new CallbarError('forbidden', `不允许${sender === 'content' ? '网页中的脚本' : '未知来源'}发送“${type}”`);
    }
    const parsed = handler.payload.safeParse(message.payload ?? {});
    if (!parsed.success) {
      throw new CallbarError('invalid-input', parsed.error.issues[0]?.message ?? '消息格式错误', type);
    }
    const value = await (handler.handle as (p: unknown, e: SessionEngine) => Promise<unknown>)(parsed.data, engine);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: serializeError(error) };
  }
}
