/**
 * The worker's link to the phone document when the document itself goes away (its renderer crashed,
 * it was ended): no status says so, so the link asks for the phone until a document answers — a new
 * one, whose status (no account, no call) tells the session following the phone what happened.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PhoneStatus } from '../shared/softphone.ts';
import { ChromePhoneLink } from './phone-link.ts';

const fresh: PhoneStatus = { instance: 'new-document', seq: 1, account: null, registration: 'unregistered', dnd: false, mic: 'unknown', call: null, retries: 0 };
const living: PhoneStatus = { ...fresh, instance: 'old-document', seq: 7, account: 'acct', registration: 'registered' };

/**
 * Chrome with `alive` documents answering with `answer`; a dead document is still listed for the next
 * `listedDead` looks (and answers nothing: "Receiving end does not exist").
 */
function chromeWith(alive: number, { listedDead = 0, answer = fresh } = {}) {
  const created: string[] = [];
  const sent: unknown[] = [];
  let open = alive;
  let dead = listedDead;
  vi.stubGlobal('chrome', {
    ...globalThis.chrome,
    runtime: {
      ContextType: { OFFSCREEN_DOCUMENT: 'OFFSCREEN_DOCUMENT' },
      getURL: (path: string) => `chrome-extension://x/${path}`,
      getContexts: async () => Array.from({ length: open > 0 ? open : dead-- > 0 ? 1 : 0 }, () => ({})),
      sendMessage: async (message: unknown) => {
        if (open === 0) throw new Error('Could not establish connection. Receiving end does not exist.');
        sent.push(message);
        return { ok: true, status: answer };
      },
    },
    offscreen: {
      Reason: { AUDIO_PLAYBACK: 'AUDIO_PLAYBACK', USER_MEDIA: 'USER_MEDIA', WEB_RTC: 'WEB_RTC' },
      createDocument: async ({ url }: { url: string }) => void (created.push(url), (open = 1)),
    },
  });
  return { created, sent };
}

const link = () => new ChromePhoneLink(async () => ({ input: '', output: '', ring: '' }));

afterEach(() => vi.unstubAllGlobals());

describe('the phone document closed', () => {
  it('a session following the phone gets a new document’s status: no account, no call', async () => {
    const { created } = chromeWith(0);
    const phone = link();
    const got: PhoneStatus[] = [];
    phone.subscribe((s) => got.push(s));
    await phone.documentClosed();
    expect(created).toEqual(['src/offscreen/index.html']);
    expect(got).toEqual([fresh]);
  });

  it('a document Chrome still lists for a moment after it died is asked again, and replaced once gone', async () => {
    const { created } = chromeWith(0, { listedDead: 2 });
    const phone = link();
    const got: PhoneStatus[] = [];
    phone.subscribe((s) => got.push(s));
    await phone.documentClosed();
    expect(created).toEqual(['src/offscreen/index.html']);
    expect(got).toEqual([fresh]);
  });

  it('a document still alive answers with its own status, and no other is made', async () => {
    const { created, sent } = chromeWith(1, { answer: living });
    const phone = link();
    const got: PhoneStatus[] = [];
    phone.subscribe((s) => got.push(s));
    await phone.documentClosed();
    expect(sent).toHaveLength(1);
    expect(created).toEqual([]);
    expect(got).toEqual([living]);
  });

  it('the lifeline: when the document’s port to the worker breaks, the session gets a new document’s status', async () => {
    const { created } = chromeWith(0);
    const phone = link();
    const got: PhoneStatus[] = [];
    phone.subscribe((s) => got.push(s));
    const ends: Array<() => void> = [];
    phone.lifeline({ onDisconnect: { addListener: (f: () => void) => ends.push(f) } } as never);
    expect(got).toEqual([]);
    ends.forEach((end) => end());
    await vi.waitFor(() => expect(got).toEqual([fresh]));
    expect(created).toEqual(['src/offscreen/index.html']);
  });

  it('a new worker whose document never connects its lifeline (it closed while the worker was replaced) asks for the phone', async () => {
    const { created } = chromeWith(0);
    const phone = link();
    const got: PhoneStatus[] = [];
    phone.subscribe((s) => got.push(s));
    await vi.waitFor(() => expect(got).toEqual([fresh]), { timeout: 3000 });
    expect(created).toEqual(['src/offscreen/index.html']);
    // With its lifeline there, nothing is asked.
    const alive = chromeWith(1, { answer: living });
    const other = link();
    other.lifeline({ onDisconnect: { addListener: () => undefined } } as never);
    other.subscribe(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 1700));
    expect(alive.sent).toEqual([]);
  });

  it('no one following the phone (logged out, a provider without it): no document is made', async () => {
    const { created, sent } = chromeWith(0);
    await link().documentClosed();
    expect(created).toEqual([]);
    expect(sent).toEqual([]);
  });
});
