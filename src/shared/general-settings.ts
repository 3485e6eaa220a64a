/** Settings that are not per provider: what happens when a call comes in. */
import { DEFAULT_SCREEN_POP, type ScreenPopSettings } from './screen-pop.ts';
import { DEFAULT_DEVICES, type PhoneDevices } from './softphone.ts';

export interface GeneralSettings {
  screenPop: ScreenPopSettings;
  /** Play a ringtone while a call is coming in. */
  ringtone: boolean;
  /** The browser phone's microphone, call output and ringtone output (device ids; '' = default). */
  devices: PhoneDevices;
}

export const DEFAULT_GENERAL: GeneralSettings = { screenPop: DEFAULT_SCREEN_POP, ringtone: true, devices: DEFAULT_DEVICES };

export function withGeneralDefaults(stored: Partial<GeneralSettings> | undefined): GeneralSettings {
  return {
    screenPop: { ...DEFAULT_SCREEN_POP, ...stored?.screenPop },
    ringtone: typeof stored?.ringtone === 'boolean' ? stored.ringtone : DEFAULT_GENERAL.ringtone,
    devices: { ...DEFAULT_DEVICES, ...pickDevices(stored?.devices) },
  };
}

function pickDevices(value: unknown): Partial<PhoneDevices> {
  if (!value || typeof value !== 'object') return {};
  const out: Partial<PhoneDevices> = {};
  for (const key of ['input', 'output', 'ring'] as const) {
    const id = (value as Record<string, unknown>)[key];
    if (typeof id === 'string' && id.length <= 200) out[key] = id;
  }
  return out;
}
