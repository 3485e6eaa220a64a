/**
 * The microphone permission and what the pages say about it, as pure functions (tested in
 * mic-state.test.ts); permission.ts reads the browser.
 */

/** navigator.permissions' answer for CallBar's origin. */
export type MicPermission = 'granted' | 'prompt' | 'denied';

/** Chrome's list of sites allowed or blocked from the microphone: copyable text (no link can open it). */
export const MIC_SETTINGS_URL = 'chrome://settings/content/microphone';

/** Chrome's settings for one origin (CallBar's), where 麦克风 is one select. */
export function siteSettingsUrl(origin: string): string {
  return `chrome://settings/content/siteDetails?site=${encodeURIComponent(origin)}`;
}

/** What the popup and the options page show: nothing while the microphone may be used, or is not needed. */
export function micNotice(permission: MicPermission | null, needed: boolean): 'prompt' | 'denied' | null {
  if (!needed || permission === null || permission === 'granted') return null;
  return permission;
}

/** What the microphone page's one getUserMedia call came to, from the error's name and the permission read right after it. */

export type MicResult =
  /** Chrome granted the origin the microphone: the offscreen phone may open it from now on. */
  | 'granted'
  /** Refused, but the permission is still 'prompt': the agent closed the prompt, or it waits for a click. */
  | 'dismissed'
  /** Blocked: Chrome will not ask again until the agent allows it in the settings. */
  | 'denied'
  /** No input device at all (NotFoundError). */
  | 'missing'
  /** A device is there but cannot be opened: another program holds it, or the driver failed. */
  | 'busy'
  | 'failed';

/** `errorName` null: getUserMedia resolved. */
export function micResult(errorName: string | null, permission: MicPermission | null): MicResult {
  if (errorName === null) return 'granted';
  switch (errorName) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
      // Chrome says "Permission denied" for a block and "Permission dismissed" for a closed
      // prompt; the permission state tells them apart without reading its English message.
      return permission === 'denied' ? 'denied' : 'dismissed';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'missing';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy';
    default:
      return 'failed';
  }
}
