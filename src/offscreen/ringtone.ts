/**
 * A ringtone synthesized with Web Audio (no audio file to ship): the Chinese ring
 * cadence, a 450 Hz tone for 1 s then 4 s of silence, repeated while a call comes in.
 */
const TONE_HZ = 450;
const ON_S = 1;
const PERIOD_S = 5;
const LEVEL = 0.2;

export class Ringtone {
  private context: AudioContext | null = null;
  private oscillator: OscillatorNode | null = null;
  private gain: GainNode | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  /**
   * Start ringing on `sinkId` (an output device id, '' = default: a speaker while the call goes
   * to a headset); resolves with the audio context's state ('running' when audible).
   */
  async start(sinkId = ''): Promise<AudioContextState | 'stopped'> {
    if (this.timer) return this.state();
    this.context ??= new AudioContext();
    const withSink = this.context as AudioContext & { setSinkId?: (id: string) => Promise<void>; sinkId?: string };
    if (withSink.setSinkId && withSink.sinkId !== sinkId) await withSink.setSinkId(sinkId).catch(() => undefined);
    await this.context.resume().catch(() => undefined);
    const context = this.context;
    this.gain = context.createGain();
    this.gain.gain.value = 0;
    this.gain.connect(context.destination);
    this.oscillator = context.createOscillator();
    this.oscillator.frequency.value = TONE_HZ;
    this.oscillator.connect(this.gain);
    this.oscillator.start();
    const ring = () => {
      const now = context.currentTime;
      this.gain?.gain.setValueAtTime(LEVEL, now);
      this.gain?.gain.setValueAtTime(0, now + ON_S);
    };
    ring();
    this.timer = setInterval(ring, PERIOD_S * 1000);
    return this.state();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.oscillator?.stop();
    this.oscillator?.disconnect();
    this.gain?.disconnect();
    this.oscillator = null;
    this.gain = null;
  }

  state(): AudioContextState | 'stopped' {
    return this.timer && this.context ? this.context.state : 'stopped';
  }
}
