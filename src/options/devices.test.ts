import { afterEach, describe, expect, it } from 'vitest';
import { useLocale } from '../../test/support/locale.ts';
import { type DeviceLike, deviceChoices, rememberLabels } from './devices.ts';

/** What Chromium 156 lists with --use-fake-device-for-media-stream (ids shortened). */
const FAKE: DeviceLike[] = [
  { kind: 'audioinput', deviceId: 'default', label: 'Fake Default Audio Input', groupId: 'g0' },
  { kind: 'audioinput', deviceId: 'in1', label: 'Fake Audio Input 1', groupId: 'g1' },
  { kind: 'audioinput', deviceId: 'in2', label: 'Fake Audio Input 2', groupId: 'g2' },
  { kind: 'videoinput', deviceId: 'cam', label: 'fake_device_0', groupId: 'g3' },
  { kind: 'audiooutput', deviceId: 'default', label: 'Fake Default Audio Output', groupId: 'g4' },
  { kind: 'audiooutput', deviceId: 'out1', label: 'Fake Audio Output 1', groupId: 'g5' },
  { kind: 'audiooutput', deviceId: 'out2', label: 'Fake Audio Output 2', groupId: 'g6' },
];

/** A PC with a USB headset as the system's default microphone (Chrome names the default entry after it). */
const HEADSET: DeviceLike[] = [
  { kind: 'audioinput', deviceId: 'default', label: 'Default - Jabra Evolve 20 (0b0e:0300)', groupId: 'jabra' },
  { kind: 'audioinput', deviceId: 'communications', label: 'Communications - Jabra Evolve 20 (0b0e:0300)', groupId: 'jabra' },
  { kind: 'audioinput', deviceId: 'jabra-in', label: 'Jabra Evolve 20 (0b0e:0300)', groupId: 'jabra' },
  { kind: 'audioinput', deviceId: 'builtin', label: 'Internal Microphone', groupId: 'pc' },
];

const values = (choices: { value: string }[]) => choices.map((c) => c.value);
const labels = (choices: { label: string }[]) => choices.map((c) => c.label);

describe('deviceChoices: the 话机设备 selects', () => {
  afterEach(() => useLocale('zh_CN'));

  it('系统默认 first, then the devices of the kind; Chrome’s own default entry is 系统默认 already', () => {
    const inputs = deviceChoices(FAKE, 'audioinput', '');
    expect(values(inputs)).toEqual(['', 'in1', 'in2']);
    expect(labels(inputs)).toEqual(['系统默认（Fake Default Audio Input）', 'Fake Audio Input 1', 'Fake Audio Input 2']);
    expect(values(deviceChoices(FAKE, 'audiooutput', 'out2'))).toEqual(['', 'out1', 'out2']);
  });

  it('names 系统默认 after the device it is now, by that device’s own label when Chrome lists it', () => {
    const inputs = deviceChoices(HEADSET, 'audioinput', '');
    expect(labels(inputs)[0]).toBe('系统默认（Jabra Evolve 20 (0b0e:0300)）');
    // The communications device is a role of its own (Windows): it stays choosable.
    expect(values(inputs)).toEqual(['', 'communications', 'jabra-in', 'builtin']);
  });

  it('keeps a saved device that is not connected, by its remembered name or else its id', () => {
    const named = deviceChoices(FAKE, 'audioinput', 'usb-gone', 'Plantronics C320');
    expect(named.at(-1)).toEqual({ value: 'usb-gone', label: '（未连接）Plantronics C320', missing: true });
    expect(deviceChoices(FAKE, 'audiooutput', 'abc123').at(-1)).toEqual({ value: 'abc123', label: '（未连接）abc123', missing: true });
    // A connected one is not marked, and a device of the other kind does not count as present.
    expect(deviceChoices(FAKE, 'audioinput', 'in2').some((c) => c.missing)).toBe(false);
    expect(deviceChoices(FAKE, 'audioinput', 'out1').at(-1)).toMatchObject({ value: 'out1', missing: true });
  });

  it('without devices (or before the permission, when ids are empty) only 系统默认', () => {
    expect(deviceChoices([], 'audioinput', '')).toEqual([{ value: '', label: '系统默认' }]);
    const unnamed: DeviceLike[] = [{ kind: 'audioinput', deviceId: '', label: '', groupId: '' }];
    expect(values(deviceChoices(unnamed, 'audioinput', ''))).toEqual(['']);
  });

  it('a device without a name gets a numbered one; a repeated id is listed once', () => {
    const odd: DeviceLike[] = [
      { kind: 'audiooutput', deviceId: 'a', label: '', groupId: '' },
      { kind: 'audiooutput', deviceId: 'a', label: '', groupId: '' },
      { kind: 'audiooutput', deviceId: 'b', label: 'Speakers', groupId: '' },
    ];
    expect(labels(deviceChoices(odd, 'audiooutput', ''))).toEqual(['系统默认', '设备 1', 'Speakers']);
  });

  it('keeps Chrome’s default entry when it is what was saved', () => {
    expect(values(deviceChoices(FAKE, 'audioinput', 'default'))).toEqual(['', 'default', 'in1', 'in2']);
  });

  it('reads in English', () => {
    useLocale('en');
    expect(labels(deviceChoices([], 'audioinput', 'x1', 'Headset'))).toEqual(['System default', '(not connected) Headset']);
  });
});

describe('rememberLabels: names of the saved devices, for when one is unplugged', () => {
  it('takes the connected devices’ names, keeps remembered ones for the others, drops the rest', () => {
    const memory = { gone: 'Plantronics C320', old: 'A headset no longer chosen' };
    expect(rememberLabels(memory, FAKE, { input: 'in1', output: 'gone', ring: '' })).toEqual({ in1: 'Fake Audio Input 1', gone: 'Plantronics C320' });
  });

  it('remembers nothing for 系统默认 or for a device it never saw named', () => {
    expect(rememberLabels({}, FAKE, { input: '', output: 'unknown', ring: '' })).toEqual({});
  });
});
