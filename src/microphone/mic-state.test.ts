import { describe, expect, it } from 'vitest';
import { type MicPermission, micNotice, micResult, siteSettingsUrl } from './mic-state.ts';

describe('micNotice: what the popup and the options page say about the microphone', () => {
  it.each<[MicPermission | null, boolean, ReturnType<typeof micNotice>]>([
    ['prompt', true, 'prompt'],
    ['denied', true, 'denied'],
    ['granted', true, null],
    // Unreadable permission: claim nothing (the phone's own banner speaks if a call fails).
    [null, true, null],
    // A provider without the browser phone: nothing, whatever the permission.
    ['prompt', false, null],
    ['denied', false, null],
  ])('permission %s, phone needed %s → %s', (permission, needed, notice) => {
    expect(micNotice(permission, needed)).toBe(notice);
  });
});

describe('micResult: what the microphone page says after its getUserMedia call', () => {
  it.each<[string | null, MicPermission | null, ReturnType<typeof micResult>]>([
    [null, 'granted', 'granted'],
    // One-time grants and fake-UI runs leave the state at 'prompt': the stream is what counts.
    [null, 'prompt', 'granted'],
    ['NotAllowedError', 'denied', 'denied'],
    // Chrome refuses with the same error when the agent closed the prompt: the state says which.
    ['NotAllowedError', 'prompt', 'dismissed'],
    ['NotAllowedError', null, 'dismissed'],
    ['PermissionDeniedError', 'denied', 'denied'],
    ['NotFoundError', 'granted', 'missing'],
    ['NotFoundError', 'prompt', 'missing'],
    ['OverconstrainedError', 'granted', 'missing'],
    ['NotReadableError', 'granted', 'busy'],
    ['AbortError', 'granted', 'busy'],
    ['SecurityError', 'prompt', 'failed'],
    ['TypeError', 'granted', 'failed'],
  ])('%s with the permission %s → %s', (error, permission, result) => {
    expect(micResult(error, permission)).toBe(result);
  });
});

describe('siteSettingsUrl', () => {
  it("opens Chrome's settings of CallBar's origin (its microphone select is there)", () => {
    expect(siteSettingsUrl('chrome-extension://ddibfpeaigbdfehklkajjjhfmnaafjmn')).toBe(
      'chrome://settings/content/siteDetails?site=chrome-extension%3A%2F%2Fddibfpeaigbdfehklkajjjhfmnaafjmn',
    );
  });
});
