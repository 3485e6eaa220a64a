/**
 * Opening the microphone in the offscreen document. The document cannot show Chrome's
 * permission prompt: the grant comes from the microphone page (src/microphone/), opened
 * from the popup. Here a refusal is only classified, so the banner can say what to do.
 */
import type { MicState } from '../../shared/softphone.ts';

export class MicrophoneError extends Error {
  constructor(readonly state: Extract<MicState, 'denied' | 'missing'>, message: string) {
    super(message);
    this.name = 'MicrophoneError';
  }
}

const VOICE: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

/** The chosen input ('' = default); a chosen device that is gone falls back to the default one. */
export async function openMicrophone(deviceId: string): Promise<MediaStream> {
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: deviceId ? { ...VOICE, deviceId: { exact: deviceId } } : VOICE, video: false });
  } catch (error) {
    const name = (error as DOMException)?.name;
    if (deviceId && (name === 'OverconstrainedError' || name === 'NotFoundError')) return openMicrophone('');
    throw classify(error);
  }
}

export function classify(error: unknown): MicrophoneError {
  const name = (error as DOMException)?.name ?? '';
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') {
    return new MicrophoneError('denied', 'The microphone permission is not granted');
  }
  return new MicrophoneError('missing', `No usable microphone (${name || String(error)})`);
}

/**
 * Follow the extension's microphone permission (the agent answers on the microphone page, or
 * unblocks it in Chrome's settings): 'granted' → the phone may open it; anything else → it may not.
 */
export async function watchPermission(onChange: (granted: boolean) => void): Promise<void> {
  try {
    const status = await navigator.permissions.query({ name: 'microphone' as PermissionName });
    onChange(status.state === 'granted');
    status.addEventListener('change', () => onChange(status.state === 'granted'));
  } catch {
    // No Permissions API for the microphone: the first call finds out.
  }
}
