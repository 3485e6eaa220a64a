/**
 * The offscreen document: the extension's only DOM that outlives pages and popups.
 * Today it plays the ringtone (the service worker has no audio); the WebRTC phone
 * (JsSIP, which only this folder may import) will live here too.
 *
 * It takes orders only from the service worker (same extension, no tab).
 */
import { Ringtone } from './ringtone.ts';

const ringtone = new Ringtone();

chrome.runtime.onMessage.addListener((message: { channel?: string; type?: string }, sender, sendResponse) => {
  if (message?.channel !== 'callbar-offscreen' || sender.id !== chrome.runtime.id || sender.tab) return undefined;
  if (message.type === 'ring/start') void ringtone.start().then((state) => sendResponse({ ok: true, state }));
  else if (message.type === 'ring/stop') {
    ringtone.stop();
    sendResponse({ ok: true, state: 'stopped' });
  } else if (message.type === 'ring/state') sendResponse({ ok: true, state: ringtone.state() });
  else return undefined;
  return true;
});
