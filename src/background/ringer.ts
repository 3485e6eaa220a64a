/**
 * The ringtone, played by the offscreen document (a service worker has no audio).
 * The document is created on the first ring and closed when ringing stops, so it
 * costs nothing between calls. Creation is guarded: only one offscreen document may
 * exist and concurrent createDocument calls fail.
 */
const OFFSCREEN_PATH = 'src/offscreen/index.html';
let creating: Promise<void> | null = null;

async function hasDocument(): Promise<boolean> {
  const contexts = await chrome.runtime.getContexts({
    contextTypes: [chrome.runtime.ContextType.OFFSCREEN_DOCUMENT],
    documentUrls: [chrome.runtime.getURL(OFFSCREEN_PATH)],
  });
  return contexts.length > 0;
}

async function ensureDocument(): Promise<void> {
  if (await hasDocument()) return;
  creating ??= chrome.offscreen
    .createDocument({
      url: OFFSCREEN_PATH,
      reasons: [chrome.offscreen.Reason.AUDIO_PLAYBACK],
      justification: 'Play the ringtone while a call is coming in.',
    })
    .finally(() => (creating = null));
  await creating;
}

export async function startRinging(): Promise<void> {
  try {
    await ensureDocument();
    await chrome.runtime.sendMessage({ channel: 'callbar-offscreen', type: 'ring/start' });
  } catch (error) {
    console.warn('[callbar] ringtone could not start', error);
  }
}

export async function stopRinging(): Promise<void> {
  try {
    if (!(await hasDocument())) return;
    await chrome.runtime.sendMessage({ channel: 'callbar-offscreen', type: 'ring/stop' });
    await chrome.offscreen.closeDocument();
  } catch (error) {
    console.warn('[callbar] ringtone could not stop', error);
  }
}
