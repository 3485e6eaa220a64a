/**
 * A known microphone for Chromium: a sine WAV for
 *   --use-fake-device-for-media-stream --use-fake-ui-for-media-stream
 *   --use-file-for-fake-audio-capture=<path>
 * so the extension's phone sends e.g. 440 Hz while the far-end peer sends 1000 Hz.
 * Chromium loops the file; whole cycles per second keep the loop click-free.
 */
import { writeFileSync } from 'node:fs';

export interface ToneWavOptions {
  /** Peak amplitude 0..1 (default 0.5). */
  amplitude?: number;
  /** Sample rate (default 48000). */
  sampleRate?: number;
}

/** 16-bit mono PCM sine WAV bytes (RIFF/WAVE, fmt chunk 16, data chunk). */
export function toneWav(hz: number, seconds: number, options: ToneWavOptions = {}): Buffer {
  const rate = options.sampleRate ?? 48_000;
  const amplitude = Math.min(1, Math.max(0, options.amplitude ?? 0.5));
  if (!(hz >= 0) || !(seconds > 0)) throw new Error(`toneWav: bad tone ${hz} Hz / ${seconds} s`);
  const samples = Math.round(rate * seconds);
  const dataBytes = samples * 2;
  const buf = Buffer.alloc(44 + dataBytes);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + dataBytes, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16); // fmt chunk size
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(1, 22); // mono
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28); // byte rate
  buf.writeUInt16LE(2, 32); // block align
  buf.writeUInt16LE(16, 34); // bits per sample
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(dataBytes, 40);
  const peak = amplitude * 32767;
  for (let i = 0; i < samples; i++) {
    buf.writeInt16LE(Math.round(peak * Math.sin((2 * Math.PI * hz * i) / rate)), 44 + i * 2);
  }
  return buf;
}

/** Write a 16-bit mono 48 kHz sine WAV of hz for seconds to path (default 5 s). */
export function writeToneWav(path: string, hz: number, seconds = 5, options: ToneWavOptions = {}): string {
  writeFileSync(path, toneWav(hz, seconds, options));
  return path;
}

/** Chromium flags for a fake microphone that plays the WAV at path (and no permission prompt). */
export function fakeMicrophoneArgs(wavPath: string): string[] {
  return ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${wavPath}`];
}
