/**
 * The choices of the 话机设备 selects, from navigator.mediaDevices.enumerateDevices(). Pure (the
 * devices come in as plain data), tested in devices.test.ts.
 */
import { t } from '../shared/i18n.ts';
import type { PhoneDevices } from '../shared/softphone.ts';

/** What the builder reads of a MediaDeviceInfo. */
export interface DeviceLike {
  deviceId: string;
  kind: string;
  label: string;
  groupId: string;
}

export interface DeviceChoice {
  /** A device id; '' = the system default (what the phone uses when nothing is chosen). */
  value: string;
  label: string;
  /** The saved device, not connected now: kept in the list so the choice is not silently lost. */
  missing?: true;
}

/** Chrome's own entry for "whatever the system uses", the same as our ''. */
const CHROME_DEFAULT = 'default';
/** Entries Chrome adds for a role (Windows' default communications device), not a device of their own. */
const CHROME_ROLES = new Set([CHROME_DEFAULT, 'communications']);

/**
 * 系统默认 first (named after the device it is now), then each device of `kind`, then the saved
 * device when it is not connected: 「（未连接）<its remembered name, or its id>」.
 */
export function deviceChoices(devices: readonly DeviceLike[], kind: 'audioinput' | 'audiooutput', saved: string, savedLabel?: string): DeviceChoice[] {
  const ofKind = devices.filter((d) => d.kind === kind && d.deviceId);
  const system = ofKind.find((d) => d.deviceId === CHROME_DEFAULT);
  // Chrome calls its default entry after the device ("Default - Headset"); that device's own
  // entry (same group) reads better when there is one.
  const systemName = system && (ofKind.find((d) => !CHROME_ROLES.has(d.deviceId) && d.groupId && d.groupId === system.groupId)?.label || system.label);
  const choices: DeviceChoice[] = [{ value: '', label: systemName ? t('devicesDefaultNamed', systemName) : t('devicesDefault') }];
  const listed = new Set<string>();
  for (const device of ofKind) {
    // Chrome's default entry is 系统默认 already, unless it is what was saved (not by this page).
    if (listed.has(device.deviceId) || (device.deviceId === CHROME_DEFAULT && saved !== CHROME_DEFAULT)) continue;
    listed.add(device.deviceId);
    choices.push({ value: device.deviceId, label: device.label || t('devicesUnnamed', String(listed.size)) });
  }
  if (saved && !listed.has(saved)) choices.push({ value: saved, label: t('devicesMissing', savedLabel || saved), missing: true });
  return choices;
}

/**
 * The names to remember for the saved devices (id → label), so one that is unplugged later is
 * still shown by name: a connected device's current label, else what was remembered. Only the
 * saved ids are kept, so the memory never grows.
 */
export function rememberLabels(memory: Readonly<Record<string, string>>, devices: readonly DeviceLike[], saved: PhoneDevices): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of [saved.input, saved.output, saved.ring]) {
    if (!id) continue;
    const label = devices.find((d) => d.deviceId === id && d.label)?.label ?? memory[id];
    if (label) out[id] = label;
  }
  return out;
}
