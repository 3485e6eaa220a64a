/**
 * The screen review as a test: every popup and toolbar state of every provider, in both
 * languages, walked for real (support/screen-walk.ts, shared with `npm run screenshots`), and in
 * each state the checks of support/screen-checks.ts: no clipped or overflowing text, no text
 * outside the popup's 360 px or the toolbar frame, none cut by an ancestor, no text on text, and
 * in English no Chinese that is not platform data (`data-platform`). Each provider × language
 * fails with every finding at once (provider, language, state, view, text, selector).
 *
 * First, the checker itself on a tiny page: it must find what is wrong there, and only that.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExtensionBrowser, launchWithExtension } from './support/extension.ts';
import { checkScreen, formatFindings, type LabelledFinding } from './support/screen-checks.ts';
import { captureState, type Language, PROVIDERS, type ScreenRun, startScreenRun, walkProvider } from './support/screen-walk.ts';

const SAMPLE = `<!doctype html><html><head><meta charset="utf-8"><style>
  body { margin: 0; width: 360px; font: 14px sans-serif; }
  .stack { position: relative; height: 20px; }
  .stack span { position: absolute; top: 0; }
</style></head><body>
  <div id="clipped" style="width: 60px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis">A label much too long for its box</div>
  <div class="stack"><span id="first" style="left: 0">First text</span><span id="second" style="left: 20px">Second</span></div>
  <div class="stack"><span id="under" style="left: 0">Scrolled under a bar</span><span style="left: 0; background: #fff; width: 200px">A sticky bar</span></div>
  <p id="chinese">登录</p>
  <p data-platform><span id="agent">张三</span> <b>8001</b></p>
  <div style="width: 600px"><span id="wide" style="margin-left: 300px">runs past the popup's edge</span></div>
  <div style="width: 80px; height: 18px; overflow: hidden"><div style="width: 80px"><span id="cut">words that wrap onto a second line, cut off below</span></div></div>
  <select id="select" style="width: 60px"><option>A very long option label</option></select>
  <input id="placeholder" style="width: 60px" placeholder="A long placeholder text">
  <input id="typed" style="width: 60px" value="a long value the agent typed">
  <p id="fine">Fine</p>
</body></html>`;

describe('the screen checks themselves', () => {
  let ext: ExtensionBrowser;
  let page: Page;
  beforeAll(async () => {
    ext = await launchWithExtension({ language: 'en_US' });
    page = await ext.browser.newPage();
    await page.setViewport({ width: 360, height: 600 });
    await page.setContent(SAMPLE);
  });
  afterAll(async () => {
    await ext?.close();
  });

  it('finds clipped elements and fields, text on text, text outside the width, text cut by its ancestor and Chinese in English — and nothing else (not platform data, not a typed value, not text hidden under an opaque bar)', async () => {
    const { findings } = await checkScreen(page, { english: true, bounds: { width: 360, height: 'none' } });
    const found = findings.map((f) => `${f.check} ${f.selector}`).sort();
    expect(found).toEqual(
      [
        'clipped div#clipped',
        'clipped select#select',
        'clipped input#placeholder',
        'cjk p#chinese',
        'cut span#cut',
        'outside span#wide',
        'overlap span#first',
      ].sort(),
    );
    expect(findings.find((f) => f.check === 'overlap')!.detail).toContain('Second');
  });

  it('leaves Chinese alone in the Chinese UI', async () => {
    const { findings } = await checkScreen(page, { english: false, bounds: { width: 360, height: 'none' } });
    expect(findings.filter((f) => f.check === 'cjk')).toEqual([]);
  });
});

const LANGUAGES: Language[] = ['zh_CN', 'en'];

// One browser per language, both walking at once (the walk mostly waits on the simulators).
describe('every screen, in Chinese and in English', () => {
  let runs: ScreenRun[] = [];
  beforeAll(async () => {
    runs = await Promise.all(LANGUAGES.map((language) => startScreenRun(language)));
  });
  afterAll(async () => {
    await Promise.all(runs.map((run) => run.close()));
  });

  it.each(PROVIDERS)('%s: text is whole, inside, apart and (in English) English', async (provider) => {
    const walks = await Promise.all(
      runs.map(async (run) => {
        const findings: LabelledFinding[] = [];
        const states: string[] = [];
        let error: Error | null = null;
        try {
          await walkProvider(run, provider, async (state) => {
            const captured = await captureState(run, provider, state);
            states.push(state);
            findings.push(...captured.popup.findings, ...(captured.toolbar?.findings ?? []));
          });
        } catch (e) {
          error = e as Error;
        }
        return { language: run.language, findings, states, error };
      }),
    );
    const findings = walks.flatMap((w) => w.findings);
    const summary = walks.map((w) => `${w.language}: ${w.states.length} state(s)${w.error ? `; THE WALK BROKE: ${w.error.message}` : ''}`).join('\n');
    if (walks.some((w) => w.error) || findings.length) throw new Error(`${findings.length} finding(s)\n${summary}\n${formatFindings(findings)}`);
  }, 150_000);
});
