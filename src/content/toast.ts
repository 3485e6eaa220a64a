/**
 * A short message at the bottom of the page (what a page-side action did, or why it failed). It
 * leaves after a few seconds, or as soon as the agent clicks anywhere (they have moved on).
 */
import { createShadowHost } from './shadow-host.ts';

const CSS = `
.toast { font: 13px/1.5 -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; color: #fff;
  background: rgba(0,0,0,.82); padding: 8px 14px; border-radius: 6px; max-width: 420px; box-shadow: 0 4px 12px rgba(0,0,0,.2); }
.toast.error { background: #cf1322; }
`;

const SHOWN_MS = 5000;
let current: HTMLElement | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;

function dismiss(): void {
  current?.remove();
  current = null;
  clearTimeout(timer);
  removeEventListener('pointerdown', onPointerDown, true);
}

function onPointerDown(event: PointerEvent): void {
  if (event.isTrusted) dismiss();
}

export function showToast(message: string, kind: 'info' | 'error' = 'info'): void {
  dismiss();
  const { host, root } = createShadowHost('callbar-toast', CSS, {
    position: 'fixed',
    left: '50%',
    bottom: '24px',
    transform: 'translateX(-50%)',
    'z-index': '2147483647',
  });
  const box = document.createElement('div');
  box.className = `toast ${kind}`;
  box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  box.dataset.testid = 'callbar-toast';
  box.textContent = message;
  root.append(box);
  document.documentElement.append(host);
  current = host;
  timer = setTimeout(dismiss, SHOWN_MS);
  addEventListener('pointerdown', onPointerDown, true);
}
