/**
 * 话机设备: the browser phone's microphone, call output and ringtone output. General settings
 * (every provider's), shown always and saved at once with `settings/general-set { devices }`; the
 * service worker hands a change to a running phone. Chrome names devices only once CallBar may use
 * the microphone: until then the card asks for that instead of listing nameless devices.
 */
import { useEffect, useState } from 'preact/hooks';
import { MicNotice } from '../microphone/notice.tsx';
import { useMicPermission } from '../microphone/permission.ts';
import { errorMessage } from '../shared/errors.ts';
import { type MessageKey, t } from '../shared/i18n.ts';
import { send } from '../shared/messaging.ts';
import type { PhoneDevices } from '../shared/softphone.ts';
import { type DeviceChoice, type DeviceLike, deviceChoices, rememberLabels } from './devices.ts';

/** Names of the saved devices, for when one is unplugged (display only: this page's localStorage). */
const LABELS_KEY = 'callbar.deviceLabels';

function loadLabels(): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(LABELS_KEY) ?? '{}');
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

function storeLabels(devices: readonly DeviceLike[], saved: PhoneDevices): Record<string, string> {
  const labels = rememberLabels(loadLabels(), devices, saved);
  try {
    localStorage.setItem(LABELS_KEY, JSON.stringify(labels));
  } catch {
    // Storage full or off: a missing device is then shown by its id.
  }
  return labels;
}

/** Output choice needs setSinkId (the phone's <audio> and the ringtone's AudioContext use it). */
const canChooseOutput = typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

type Message = { text: string; error: boolean } | null;

const FIELDS: readonly { key: keyof PhoneDevices; kind: 'audioinput' | 'audiooutput'; label: MessageKey; help?: MessageKey }[] = [
  { key: 'input', kind: 'audioinput', label: 'devicesInput' },
  { key: 'output', kind: 'audiooutput', label: 'devicesOutput' },
  { key: 'ring', kind: 'audiooutput', label: 'devicesRing', help: 'devicesRingHelp' },
];

export function DevicesCard() {
  const permission = useMicPermission();
  const [saved, setSaved] = useState<PhoneDevices | null>(null);
  const [devices, setDevices] = useState<DeviceLike[]>([]);
  const [labels, setLabels] = useState<Record<string, string>>(loadLabels);
  const [message, setMessage] = useState<Message>(null);

  useEffect(() => {
    void send('settings/general-get', {}).then(
      (general) => setSaved(general.devices),
      (error) => setMessage({ text: errorMessage(error), error: true }),
    );
  }, []);

  // Again when a headset is plugged in or out, and when the permission changes (names appear).
  useEffect(() => {
    const media = navigator.mediaDevices;
    if (!media) return;
    let alive = true;
    const refresh = () =>
      void media.enumerateDevices().then(
        (found) => alive && setDevices(found.map(({ deviceId, kind, label, groupId }) => ({ deviceId, kind, label, groupId }))),
        () => alive && setDevices([]),
      );
    media.addEventListener('devicechange', refresh);
    refresh();
    return () => {
      alive = false;
      media.removeEventListener('devicechange', refresh);
    };
  }, [permission]);

  const named = devices.some((d) => d.label);
  // Granted with nothing plugged in still lists 系统默认 (and says no microphone was found).
  const listed = permission === 'granted' || named;
  useEffect(() => {
    if (named && saved) setLabels(storeLabels(devices, saved));
  }, [devices, saved]);

  const choose = async (key: keyof PhoneDevices, value: string) => {
    if (!saved) return;
    const next = { ...saved, [key]: value };
    setSaved(next);
    setMessage(null);
    try {
      setSaved((await send('settings/general-set', { devices: next })).devices);
      setMessage({ text: t('devicesSaved'), error: false });
    } catch (error) {
      setMessage({ text: t('optionsNotSaved', errorMessage(error)), error: true });
    }
  };

  return (
    <section class="card" data-testid="devices" aria-labelledby="devices-title">
      <h2 id="devices-title">{t('devicesTitle')}</h2>
      <p class="muted small">{t('devicesHelp')}</p>
      {listed && saved ? (
        <div class="devices">
          {FIELDS.map((field) => {
            const output = field.kind === 'audiooutput';
            const choices = deviceChoices(devices, field.kind, saved[field.key], labels[saved[field.key]]);
            return (
              <DeviceField
                key={field.key}
                name={field.key}
                label={t(field.label)}
                choices={choices}
                value={saved[field.key]}
                disabled={output && !canChooseOutput}
                help={!output && choices.length === 1 ? { text: t('devicesNoInput'), warn: true } : field.help ? { text: t(field.help), warn: false } : null}
                onChoose={(value) => void choose(field.key, value)}
              />
            );
          })}
        </div>
      ) : (
        <div class="devices-permission">
          <p>{t('devicesNeedPermission')}</p>
          {/* Unreadable permission (null): offer the page anyway, asking again is harmless. */}
          <MicNotice permission={permission ?? 'prompt'} needed from="options" testid="devices-mic-notice" />
        </div>
      )}
      {!canChooseOutput && <p class="muted small" data-testid="devices-no-sink">{t('devicesNoSink')}</p>}
      {message && (
        <span class={message.error ? 'error-text' : 'ok-text'} role={message.error ? 'alert' : 'status'} data-testid="devices-message">
          {message.text}
        </span>
      )}
    </section>
  );
}

function DeviceField(props: {
  name: string;
  label: string;
  choices: DeviceChoice[];
  value: string;
  disabled: boolean;
  help: { text: string; warn: boolean } | null;
  onChoose(value: string): void;
}) {
  const id = `device-${props.name}`;
  const missing = props.choices.find((c) => c.value === props.value)?.missing;
  const help = missing ? { text: t('devicesMissingHelp'), warn: true } : props.help;
  // Two cells of the card's grid: the label, and the select with its help below (device names
  // are long: the select gets the width).
  return (
    <>
      <label for={id}>{props.label}</label>
      <div class="field">
        <select
          id={id}
          data-testid={id}
          value={props.value}
          disabled={props.disabled}
          aria-describedby={help ? `${id}-help` : undefined}
          onChange={(e) => props.onChoose((e.target as HTMLSelectElement).value)}
        >
          {props.choices.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
        {help && (
          <span id={`${id}-help`} class={help.warn ? 'field-error' : 'muted small'}>
            {help.text}
          </span>
        )}
      </div>
    </>
  );
}
