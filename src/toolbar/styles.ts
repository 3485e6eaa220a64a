/**
 * The toolbar page's stylesheet. The frame is exactly as large as the bar (the content script
 * sizes it to what the bar measures, capped by the page's viewport, then the bar scrolls); its
 * rounded corners and shadow are drawn by the frame element. Light and dark follow
 * prefers-color-scheme.
 */
export const TOOLBAR_CSS = `
html, body { margin: 0; padding: 0; background: transparent; }
/* Sized by its content, not by the frame: the frame is then sized to it (main.tsx). */
#app { display: inline-block; vertical-align: top; }
html { overflow: auto; scrollbar-width: thin; }
*, *::before, *::after { box-sizing: border-box; }
.bar {
  --bg: #ffffff; --head: #f6f7f9; --fg: #1f2329; --muted: #646a73; --subtle: #8f959e;
  --line: #e5e6eb; --btn: #ffffff; --btn-line: #d5d8de; --btn-hover: #f2f3f5;
  --accent: #1664ff; --accent-hover: #3c7cff; --accent-soft: #e8f0ff; --on-accent: #ffffff;
  --ok: #14a05a; --ok-hover: #22b56a; --danger: #e5484d; --danger-hover: #f0666a;
  --warn: #d46b08; --seg: #eef0f3; --field: #ffffff; --err: #d92d20; --ring: #91b6ff;
  --problem-bg: #fff1f0; --problem-line: #ffd4d1;
  --warn-bg: #fff7e8; --warn-line: #fbd7a6; --warn-fg: #a8500a;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace;
  color-scheme: light;
  font: 13px/1.45 -apple-system, BlinkMacSystemFont, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif;
  color: var(--fg); background: var(--bg);
  border: 1px solid var(--line); border-radius: 12px;
  width: 280px;
  display: flex; flex-direction: column; overflow: hidden;
  -webkit-font-smoothing: antialiased;
}
@media (prefers-color-scheme: dark) {
  .bar {
    --bg: #1d1f23; --head: #25282d; --fg: #e8eaed; --muted: #a4a9b2; --subtle: #7d838d;
    --line: #34383f; --btn: #2a2d33; --btn-line: #434852; --btn-hover: #33373e;
    --accent: #4f8cff; --accent-hover: #6a9dff; --accent-soft: #1f2d4a; --on-accent: #ffffff;
    --ok: #1fa463; --ok-hover: #2cb872; --danger: #e5484d; --danger-hover: #f0666a;
    --warn: #f0a050; --seg: #2a2d33; --field: #16181b; --err: #ff8a80; --ring: #4f8cff;
    --problem-bg: #2c1719; --problem-line: #5a2328;
    --warn-bg: #2d2213; --warn-line: #5c4018; --warn-fg: #f3b168;
    color-scheme: dark;
  }
}

/* header: the drag handle */
.head { display: flex; align-items: center; gap: 5px; height: 38px; padding: 0 6px 0 4px; flex: none;
  background: var(--head); border-bottom: 1px solid var(--line); cursor: grab; user-select: none; touch-action: none; }
.collapsed .head { border-bottom-color: transparent; }
.head.dragging { cursor: grabbing; }
.grip { display: inline-flex; align-items: center; justify-content: center; width: 18px; height: 26px; border-radius: 5px;
  color: var(--subtle); fill: currentColor; flex: none; }
.grip:hover { color: var(--muted); background: var(--btn-hover); }
.light { width: 9px; height: 9px; border-radius: 50%; flex: none; background: #b8bcc4; box-shadow: 0 0 0 3px rgba(184, 188, 196, .25); }
.light.green { background: #1fb866; box-shadow: 0 0 0 3px rgba(31, 184, 102, .2); }
.light.red { background: #f04438; box-shadow: 0 0 0 3px rgba(240, 68, 56, .2); }
.light.orange { background: #f79009; box-shadow: 0 0 0 3px rgba(247, 144, 9, .22); animation: pulse 1.2s ease-in-out infinite; }
.light.blue { background: #2e7bff; box-shadow: 0 0 0 3px rgba(46, 123, 255, .2); }
@keyframes pulse { 50% { box-shadow: 0 0 0 6px rgba(247, 144, 9, .05); } }
.agent { flex: 1; min-width: 0; margin-left: 2px; display: flex; flex-direction: column; justify-content: center; line-height: 1.2; }
.agent > span { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.agent-name { font-weight: 600; font-size: 12.5px; }
.agent-ext { font-size: 11px; color: var(--muted); font-variant-numeric: tabular-nums; }
.agent-state, .mini { flex: none; max-width: 108px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
  font-size: 12px; color: var(--muted); }
.agent-state.ready { color: var(--ok); }
.mini { color: var(--accent); font-weight: 600; }
.mini.incoming { color: var(--warn); }
.mini-timer { font-variant-numeric: tabular-nums; font-weight: 400; color: var(--muted); }

/* controls */
button { font: inherit; font-size: 12.5px; color: var(--fg); background: var(--btn); border: 1px solid var(--btn-line);
  border-radius: 6px; height: 28px; padding: 0 10px; cursor: pointer; white-space: nowrap;
  transition: background-color .12s, border-color .12s, color .12s; }
button:hover:not(:disabled) { border-color: var(--accent); color: var(--accent); }
button:disabled { cursor: not-allowed; opacity: .45; }
:focus-visible { outline: 2px solid var(--ring); outline-offset: 1px; }
button.primary { background: var(--accent); border-color: var(--accent); color: var(--on-accent); font-weight: 600; }
button.primary:hover:not(:disabled) { background: var(--accent-hover); border-color: var(--accent-hover); color: var(--on-accent); }
button.ok { background: var(--ok); border-color: var(--ok); color: #fff; font-weight: 600; }
button.ok:hover:not(:disabled) { background: var(--ok-hover); border-color: var(--ok-hover); color: #fff; }
button.danger { background: var(--danger); border-color: var(--danger); color: #fff; font-weight: 600; }
button.danger:hover:not(:disabled) { background: var(--danger-hover); border-color: var(--danger-hover); color: #fff; }
button[aria-pressed="true"] { background: var(--accent-soft); border-color: var(--accent); color: var(--accent); }
button.icon { display: inline-flex; align-items: center; justify-content: center; width: 26px; height: 26px; padding: 0;
  border: none; background: transparent; color: var(--subtle); flex: none; }
button.icon:hover:not(:disabled) { background: var(--btn-hover); color: var(--fg); }
input { font: inherit; font-size: 13px; color: var(--fg); background: var(--field); border: 1px solid var(--btn-line);
  border-radius: 6px; height: 28px; padding: 0 8px; min-width: 0; flex: 1; outline: none; }
input::placeholder { color: var(--subtle); }
input:focus { border-color: var(--accent); box-shadow: 0 0 0 2px var(--accent-soft); }
input[aria-invalid="true"] { border-color: var(--err); }

.body { overflow-y: auto; min-height: 0; }
.body > * + * { border-top: 1px solid var(--line); }
.collapsed .body:empty { display: none; }

/* agent state switch and the toggles beside it (dial pad, more actions) */
.controls { display: flex; align-items: center; gap: 2px; margin: 8px 8px 8px 10px; }
.body > .controls + * { border-top: none; }
.states { flex: 1; min-width: 0; display: flex; flex-wrap: wrap; gap: 2px; padding: 2px; background: var(--seg); border-radius: 8px; }
button.icon.toggle { width: 30px; height: 30px; color: var(--muted); border-radius: 8px; }
.head button.icon.toggle { width: 26px; height: 26px; border-radius: 6px; }
button.icon.toggle[aria-expanded="true"] { background: var(--accent-soft); color: var(--accent); }
.states button.seg { flex: 1 1 auto; height: 26px; border: none; background: transparent; color: var(--muted); border-radius: 6px;
  padding: 0 8px; font-size: 12px; }
.states button.seg:hover:not(:disabled) { color: var(--fg); }
.states button.seg.on { background: var(--bg); color: var(--fg); font-weight: 600; box-shadow: inset 0 -1px 0 rgba(15, 23, 42, .14), inset 0 0 0 1px rgba(15, 23, 42, .06); }
/* (Inset, not a drop shadow: a shadow that spills onto the neighbouring state button counts as
   covering it for IntersectionObserver v2, and the input guard then refuses the agent's click there.) */
.states button.seg.on.ready { color: var(--ok); }
.states button.seg:disabled { opacity: 1; cursor: progress; }
.states span.seg { display: inline-flex; align-items: center; height: 26px; padding: 0 8px; font-size: 12px; border-radius: 6px;
  background: var(--bg); font-weight: 600; }
.states .state-select { flex: 1 1 auto; height: 26px; border: none; border-radius: 6px; background: var(--bg); color: var(--fg);
  font: inherit; font-size: 12px; padding: 0 6px; }
.states .state-select.ready { color: var(--ok); font-weight: 600; }
.head .state-timer { flex: none; display: inline-flex; align-items: center; gap: 3px; font-size: 12px; color: var(--muted);
  font-variant-numeric: tabular-nums; }
.head .state-timer.countdown { color: var(--warn); font-weight: 600; }
.extras { padding: 8px 12px; }
.call .extras { padding: 0; margin-top: 6px; }
.call .extras .actions { margin-top: 0; }
.extras .field-row { margin-top: 6px; }
/* What the input names (坐席 / 外线号码 / 技能组 / IVR): a segmented choice above the field. */
.extras .kinds { display: flex; gap: 2px; margin-top: 6px; padding: 2px; border-radius: 6px; background: var(--seg); }
.extras .kinds button { flex: 1 1 0; height: 24px; padding: 0 4px; border: none; background: none; font-size: 12px; }
.extras .kinds button[aria-checked="true"] { background: var(--btn); color: var(--accent); font-weight: 600; box-shadow: 0 0 0 1px var(--line) inset; }
/* The platform's choices (idle agents, skill groups): buttons that fill the field. */
.extras .choices { display: flex; flex-wrap: wrap; gap: 4px; margin-top: 6px; max-height: 84px; overflow-y: auto; font-size: 12px; }
.extras .choices button { height: 24px; padding: 0 8px; font-size: 12px; }
.extras .choices button.chosen { border-color: var(--accent); color: var(--accent); }

/* call card */
.call { padding: 10px 12px; }
.line { display: flex; justify-content: space-between; align-items: baseline; gap: 8px; }
/* As tall as the quality button from the start: its arrival a few seconds into the call must not
   grow the toolbar (bottom-anchored, every control would move under the agent's pointer). */
.meta { height: 20px; align-self: center; align-items: center; }
.number { font-size: 18px; font-weight: 650; letter-spacing: .3px; font-variant-numeric: tabular-nums; user-select: text;
  min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.dir { flex: none; font-size: 11px; color: var(--muted); border: 1px solid var(--line); border-radius: 4px; padding: 0 5px; }
.call-state { color: var(--accent); font-weight: 500; min-width: 0; overflow-wrap: anywhere; }
.call.connected .call-state { color: var(--ok); } .call.incoming .call-state { color: var(--warn); }
.call.held .call-state { color: var(--warn); } .call.ended .call-state { color: var(--muted); }
.timer { flex: none; font-variant-numeric: tabular-nums; color: var(--muted); }
.meta { flex: none; display: inline-flex; align-items: baseline; gap: 4px; }
.actions { display: flex; gap: 5px; margin-top: 8px; flex-wrap: wrap; align-items: center; }
/* Buttons grow to fill their line; the padding is only what they keep when they do not fit it. */
.actions button { flex: 1 0 auto; padding: 0 6px; }
.actions button.icon-button { flex: 0 0 auto; width: 32px; display: inline-flex; align-items: center; justify-content: center; }
.actions .group { display: flex; gap: 5px; flex: 1 0 auto; }
.actions button[aria-expanded="true"] { background: var(--accent-soft); border-color: var(--accent); color: var(--accent); }
.copied { flex-basis: 100%; font-size: 12px; color: var(--ok); }
.field-row { display: flex; gap: 6px; align-items: center; }
.transfer { margin-top: 8px; }
.note { padding: 6px 12px; color: var(--muted); font-size: 12px; }

/* dial pad */
.dial { padding: 10px 12px; }
.dial input { font-size: 14px; font-variant-numeric: tabular-nums; letter-spacing: .2px; }
.dial button.back { width: 28px; }
.hint { font-size: 12px; line-height: 16px; min-height: 18px; margin-top: 4px; color: var(--fg); overflow-wrap: anywhere; }
.hint .muted { color: var(--subtle); }
.hint .err { color: var(--err); }
.dial-string { font-weight: 650; font-variant-numeric: tabular-nums; }
.keys { display: grid; grid-template-columns: repeat(6, 1fr); gap: 4px; margin-top: 6px; }
.keys button.key { height: 28px; padding: 0; border: none; background: var(--seg); font-size: 15px; font-weight: 500;
  font-variant-numeric: tabular-nums; color: var(--fg); }
.keys button.key:hover:not(:disabled) { background: var(--accent-soft); color: var(--accent); }
.keys button.key:active:not(:disabled) { background: var(--accent); color: var(--on-accent); }

/* call quality: bars and MOS beside the timer (a button: the figures on a line of their own) */
/* Baseline-aligned: the bars (no text) stand on the line the MOS and the timer sit on. */
button.quality { display: inline-flex; align-items: baseline; gap: 4px; height: 20px; padding: 0 5px; border: none; border-radius: 5px;
  background: transparent; color: var(--muted); font-size: 12px; font-variant-numeric: tabular-nums; }
button.quality:hover:not(:disabled) { background: var(--btn-hover); color: var(--fg); }
button.quality[aria-expanded="true"] { background: var(--seg); }
.bars { display: inline-flex; align-items: flex-end; gap: 1.5px; height: 11px; }
.bars i { width: 3px; border-radius: 1px; background: var(--btn-line); }
.bars i:nth-child(1) { height: 4px; } .bars i:nth-child(2) { height: 7.5px; } .bars i:nth-child(3) { height: 11px; }
.quality.good .bars i.on { background: var(--ok); }
.quality.fair .bars i.on { background: var(--warn); }
.quality.poor .bars i.on { background: var(--err); }
.quality.poor .mos { color: var(--warn-fg); font-weight: 600; }
.quality-figures { margin-top: 2px; font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; text-align: right; }
/* the bad-network warning: amber and still (something to act on, not an alarm) */
.net-warn { flex: 1; min-width: 0; display: flex; align-items: center; gap: 6px; min-height: 30px; padding: 4px 8px; border-radius: 8px;
  background: var(--warn-bg); border: 1px solid var(--warn-line); color: var(--warn-fg); font-size: 12px; line-height: 16px; font-weight: 500; }
.net-warn svg { flex: none; }
.warn-row { display: flex; margin: 8px 8px 8px 10px; }
.body > .warn-row + * { border-top: none; }

/* the keypad of a call (DTMF): what was sent, then the keys */
.dtmf { margin-top: 8px; }
.dtmf:focus { outline: none; } /* not a tab stop: only a place to click, the keys show focus */
.dtmf-echo { display: flex; align-items: baseline; gap: 4px; min-height: 20px; line-height: 20px; font-size: 12px; white-space: nowrap; overflow: hidden; }
.dtmf-label { flex: none; color: var(--muted); }
.dtmf-echo .digits { min-width: 0; flex: 1; display: flex; justify-content: flex-end; overflow: hidden; font-family: var(--mono); font-size: 12px;
  letter-spacing: 2px; color: var(--fg); font-weight: 600; }
/* Left-aligned while it fits; more than fits (another font) loses its oldest keys, never the newest. */
.dtmf-echo .digits > span { flex: none; margin-right: auto; }
.dtmf .keys { margin-top: 4px; }
.keys button.key.lit { background: var(--accent); color: var(--on-accent); }

/* problems */
.problem { flex: none; padding: 7px 12px; color: var(--err); background: var(--problem-bg); border-top: 1px solid var(--problem-line);
  font-size: 12px; }
.problem-hint { color: var(--muted); margin-top: 2px; }

@media (prefers-reduced-motion: reduce) { * { animation: none !important; transition: none !important; } }
@media print { :host { display: none !important; } }
.confirm { padding: 10px 12px; border-bottom: 1px solid var(--line); background: var(--accent-soft); display: flex; flex-direction: column; gap: 4px; }
.confirm-title { font-size: 12px; color: var(--muted); }
.confirm-number { font-size: 18px; font-weight: 600; letter-spacing: .5px; font-variant-numeric: tabular-nums; word-break: break-all; }
.confirm-text { font-size: 12px; color: var(--muted); word-break: break-all; }
.confirm-actions { display: flex; gap: 8px; margin-top: 4px; }
`;
