/**
 * The one offscreen document (src/offscreen/): the ringtone and the WebRTC phone. Chrome allows
 * one per extension, so both share it, created with every reason either needs: USER_MEDIA and
 * WEB_RTC keep it open while the phone idles (AUDIO_PLAYBACK alone closes it after 30 s of
 * silence; ../shared/mv3-facts.md §2). It is closed when nothing rings and no phone is
 * registered. Creation is guarded: concurrent createDocument calls fail.
 */
const OFFSCREEN_PATH = 'src/offscreen/index.html';
let creating: Promise<void> | null = null;

export async function hasOffscreen(): Promise<boolean> {
  const contexts = await chrome.runtime.getContexts({
    contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT],
    documentUrls: [chrome.runtime.getURL(OFFSCREEN_PATH)],
  });
  return contexts.length > 0;
}

export async function ensureOffscreen(): Promise<void> {
  if (await hasOffscreen()) return;
  creating ??= chrome.offscreen
    .createDocument({
      url: OFFSCREEN_PATH,
      reasons: [chrome.offscreen.Reason.AUDIO_PLAYBACK, chrome.offscreen.Reason.USER_MEDIA, chrome.offscreen.Reason.WEB_RTC],
      justification: 'The ringtone, and the agent’s WebRTC phone (microphone and call audio) when the platform uses one.',
    })
    .finally(() => (creating = null));
  await creating;
}

/** Close the document unless it still rings or holds a phone (it answers `keep`). */
export async function releaseOffscreen(): Promise<void> {
  if (!(await hasOffscreen())) return;
  const reply = (await chrome.runtime.sendMessage({ channel: 'callbar-offscreen', type: 'ring/stop' })) as { keep?: boolean } | undefined;
  if (!reply?.keep) await chrome.offscreen.closeDocument();
}
