/**
 * The ringtone, played by the offscreen document (a service worker has no audio). The document
 * is created on the first ring and closed when ringing stops, unless the WebRTC phone lives in
 * it (offscreen-document.ts).
 */
import { ensureOffscreen, releaseOffscreen } from './offscreen-document.ts';

export async function startRinging(): Promise<void> {
  try {
    await ensureOffscreen();
    await chrome.runtime.sendMessage({ channel: 'callbar-offscreen', type: 'ring/start' });
  } catch (error) {
    console.warn('[callbar] ringtone could not start', error);
  }
}

export async function stopRinging(): Promise<void> {
  try {
    await releaseOffscreen();
  } catch (error) {
    console.warn('[callbar] ringtone could not stop', error);
  }
}
