/**
 * While an agent is logged in the worker must keep polling the platform: an idle
 * worker is stopped after 30 s and would miss incoming calls. Two mechanisms:
 * - an extension API call every 20 s resets the idle timer (Chrome 110+);
 * - a 30 s alarm wakes a worker that was stopped anyway (crash, update, browser
 *   decision) so polling resumes within half a minute even with no tab open.
 * Both stop at logout. (Chrome documents indefinite keep-alive as acceptable for
 * extensions used on managed devices — a call-center seat is one.)
 */
import browser from 'webextension-polyfill';

export const WAKE_ALARM = 'callbar-wake';
const KEEPALIVE_MS = 20_000;
let timer: ReturnType<typeof setInterval> | null = null;

export function keepAlive(on: boolean): void {
  if (on && !timer) {
    timer = setInterval(() => void browser.runtime.getPlatformInfo(), KEEPALIVE_MS);
    void browser.alarms.create(WAKE_ALARM, { periodInMinutes: 0.5 });
  } else if (!on && timer) {
    clearInterval(timer);
    timer = null;
    void browser.alarms.clear(WAKE_ALARM);
  }
}
