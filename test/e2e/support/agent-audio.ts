/**
 * What the agent hears through CallBar's browser phone: an AnalyserNode on the phone's remote
 * audio, measured in the extension's offscreen document itself (the e2e tests of every provider
 * that uses the phone: phone.e2e.ts, vcall-phone.e2e.ts).
 */
import type { Browser, CDPSession } from 'puppeteer-core';
import { EXTENSION_ORIGIN, eventually } from './extension.ts';

/** The extension's offscreen document, where the phone plays the far end's audio. */
async function offscreen(browser: Browser): Promise<CDPSession> {
  const target = await browser.waitForTarget((t) => t.url() === `${EXTENSION_ORIGIN}/src/offscreen/index.html`, { timeout: 10_000 });
  return target.createCDPSession();
}

/** How loud `hz` is in what the agent hears (dB above the spectrum's median; 0 without a call). */
export async function agentHears(browser: Browser, hz: number): Promise<number> {
  const session = await offscreen(browser);
  try {
    const { result, exceptionDetails } = await session.send('Runtime.evaluate', {
      awaitPromise: true,
      returnByValue: true,
      expression: `(async () => {
        const audio = document.querySelector('audio[data-role="remote-audio"]');
        if (!audio || !audio.srcObject) return 0;
        const ctx = window.__cbTestCtx ??= new AudioContext();
        await ctx.resume();
        const analyser = ctx.createAnalyser();
        analyser.fftSize = 8192;
        ctx.createMediaStreamSource(audio.srcObject).connect(analyser);
        await new Promise((r) => setTimeout(r, 400));
        const data = new Float32Array(analyser.frequencyBinCount);
        analyser.getFloatFrequencyData(data);
        const bin = ctx.sampleRate / analyser.fftSize;
        const at = (i) => (Number.isFinite(data[i]) ? Math.max(data[i], -160) : -160);
        const band = [];
        for (let i = Math.round(100 / bin); i <= Math.round(8000 / bin); i++) band.push(at(i));
        band.sort((a, b) => a - b);
        const median = band[Math.floor(band.length / 2)];
        let peak = -160;
        const c = Math.round(${hz} / bin);
        for (let i = c - 2; i <= c + 2; i++) peak = Math.max(peak, at(i));
        return Math.max(0, peak - median);
      })()`,
    });
    if (exceptionDetails) throw new Error(`offscreen: ${exceptionDetails.text}`);
    return result.value as number;
  } finally {
    await session.detach().catch(() => undefined);
  }
}

/** Until the agent hears hz (≥ 25 dB above the median) or, with present false, does not. */
export async function waitAgentHears(browser: Browser, hz: number, present: boolean, timeout = 10_000): Promise<void> {
  await eventually(async () => ((await agentHears(browser, hz)) >= 25) === present || null, `the agent ${present ? 'to hear' : 'not to hear'} ${hz} Hz`, timeout);
}
