/** Settings that are not per provider: what happens when a call comes in. */
import { DEFAULT_SCREEN_POP, type ScreenPopSettings } from './screen-pop.ts';

export interface GeneralSettings {
  screenPop: ScreenPopSettings;
  /** Play a ringtone while a call is coming in. */
  ringtone: boolean;
}

export const DEFAULT_GENERAL: GeneralSettings = { screenPop: DEFAULT_SCREEN_POP, ringtone: true };

export function withGeneralDefaults(stored: Partial<GeneralSettings> | undefined): GeneralSettings {
  return {
    screenPop: { ...DEFAULT_SCREEN_POP, ...stored?.screenPop },
    ringtone: typeof stored?.ringtone === 'boolean' ? stored.ringtone : DEFAULT_GENERAL.ringtone,
  };
}
