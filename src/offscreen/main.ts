/**
 * The offscreen document: the extension's only DOM that outlives pages, popups and the
 * service worker. It holds the WebRTC phone (phone/, the only code that imports JsSIP) and
 * plays the ringtone (a service worker has no audio).
 *
 * It takes orders only from the service worker (same extension, no tab, the worker's URL) and
 * sends the phone's status to it after every change; a stopped worker wakes on that message.
 */
import { PHONE_CHANNEL, PHONE_LIFELINE_PORT, PHONE_STATUS_CHANNEL, type PhoneCommand, type PhoneReply, type PhoneStatus } from '../shared/softphone.ts';
import { Phone, PhoneCommandError } from './phone/phone.ts';
import { Ringtone } from './ringtone.ts';

const ringtone = new Ringtone();
const remoteAudio = document.createElement('audio');
remoteAudio.autoplay = true;
remoteAudio.dataset.role = 'remote-audio';
document.body.append(remoteAudio);

function sendStatus(status: PhoneStatus): void {
  chrome.runtime.sendMessage({ channel: PHONE_STATUS_CHANNEL, status }).catch(() => {
    // No listener right now (the worker is starting): it asks for the status when it wakes.
  });
}
const phone = new Phone(remoteAudio, sendStatus);


const origin = chrome.runtime.getURL('');

/**
 * The service worker, and nothing else of ours: a worker has no document (pages — the popup,
 * options, the toolbar frame — carry a documentId) and its URL is a script. (An offscreen
 * document gets only part of chrome.runtime: no getManifest() to read the worker's name from.)
 */
function fromWorker(sender: chrome.runtime.MessageSender): boolean {
  return sender.id === chrome.runtime.id && !sender.tab && !sender.documentId && !!sender.url?.startsWith(origin) && sender.url.endsWith('.js');
}

/**
 * The lifeline: a port to the service worker, open while this document lives. Its end tells the worker
 * the document (and the phone in it) is gone. A worker that stopped breaks it from its side: connect
 * again at once (which wakes the new worker, as the phone's next status would). No onConnect listener
 * here: a page listening for ports would receive, and could hold open, every port opened to the worker.
 */
function holdLifeline(): void {
  try {
    chrome.runtime.connect({ name: PHONE_LIFELINE_PORT }).onDisconnect.addListener(() => setTimeout(holdLifeline, 0));
  } catch {
    setTimeout(holdLifeline, 1000);
  }
}
holdLifeline();

chrome.runtime.onMessage.addListener((message: { channel?: string; type?: string; command?: PhoneCommand }, sender, sendResponse) => {
  if (!fromWorker(sender)) return undefined;
  if (message?.channel === PHONE_CHANNEL && message.command) {
    phone.run(message.command).then(
      (status): void => sendResponse({ ok: true, status } satisfies PhoneReply),
      (error: unknown): void => {
        const e = error instanceof PhoneCommandError ? error : new PhoneCommandError('sip', error instanceof Error ? error.message : String(error));
        sendResponse({ ok: false, error: { code: e.code, message: e.message, ...(e.reason ? { cause: e.reason } : {}) }, status: phone.current() } satisfies PhoneReply);
      },
    );
    return true;
  }
  if (message?.channel !== 'callbar-offscreen') return undefined;
  if (message.type === 'ring/start') void ringtone.start(phone.ringDevice()).then((state) => sendResponse({ ok: true, state }));
  else if (message.type === 'ring/stop') {
    ringtone.stop();
    sendResponse({ ok: true, state: 'stopped', keep: phoneInUse() });
  } else if (message.type === 'ring/state') sendResponse({ ok: true, state: ringtone.state() });
  else return undefined;
  return true;
});

/** The document must stay while the phone is registered or in a call. */
function phoneInUse(): boolean {
  const status = phone.current();
  return status.account !== null || (status.call !== null && status.call.state !== 'ended');
}
