/**
 * The worker's link to the phone document when the document itself goes away (its renderer crashed,
 * it was ended): no status says so, so the link hands the session the status of a new document.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PhoneStatus } from '../shared/softphone.ts';
import { ChromePhoneLink } from './phone-link.ts';

const fresh: PhoneStatus = { instance: 'new-document', seq: 1, account: null, registration: 'unregistered', dnd: false, mic: 'unknown', call: null, retries: 0 };

function chromeWith(documents: number) {
  const created: string[] = [];
  const sent: unknown[] = [];
  let open = documents;
  vi.stubGlobal('chrome', {
    ...globalThis.chrome,
    runtime: {
      ContextType: { OFFSCREEN_DOCUMENT: 'OFFSCREEN_DOCUMENT' },
      getURL: (path: string) => `chrome-extension://x/${path}`,
      getContexts: async () => Array.from({ length: open }, () => ({})),
      sendMessage: async (message: unknown) => (sent.push(message), { ok: true, status: fresh }),
    },
    offscreen: {
      Reason: { AUDIO_PLAYBACK: 'AUDIO_PLAYBACK', USER_MEDIA: 'USER_MEDIA', WEB_RTC: 'WEB_RTC' },
      createDocument: async ({ url }: { url: string }) => void (created.push(url), (open = 1)),
    },
  });
  return { created, sent };
}

afterEach(() => vi.unstubAllGlobals());

describe('the phone document closed', () => {
  it('a session following the phone gets a new document’s status: no account, no call', async () => {
    const { created } = chromeWith(0);
    const link = new ChromePhoneLink(async () => ({ input: '', output: '', ring: '' }));
    const got: PhoneStatus[] = [];
    link.subscribe((s) => got.push(s));
    await link.documentClosed();
    expect(created).toEqual(['src/offscreen/index.html']);
    expect(got).toEqual([fresh]);
  });

  it('a document still there (the worker stopped, not the document), or no one following the phone: nothing happens', async () => {
    const alive = chromeWith(1);
    const link = new ChromePhoneLink(async () => ({ input: '', output: '', ring: '' }));
    const got: PhoneStatus[] = [];
    link.subscribe((s) => got.push(s));
    await link.documentClosed();
    expect(alive.sent).toEqual([]);
    expect(got).toEqual([]);
    const gone = chromeWith(0);
    await new ChromePhoneLink(async () => ({ input: '', output: '', ring: '' })).documentClosed();
    expect(gone.created).toEqual([]);
  });
});
