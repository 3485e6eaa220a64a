/**
 * Moving the toolbar: the frame sees the agent's pointer and keys, the content script that
 * placed the frame moves it (src/content/toolbar-host.ts). Drags are measured in screen
 * pixels, which do not change when the frame itself moves under the pointer.
 */
import browser from 'webextension-polyfill';
import type { ToolbarHostMessage } from '../shared/messages.ts';

export interface Mover {
  /** The agent pressed the header at this screen point. */
  beginDrag(screenX: number, screenY: number): void;
  /** The pointer moved (dx, dy) screen pixels since the drag began. */
  dragBy(dx: number, dy: number): void;
  endDrag(): void;
  /** Move by (dx, dy) pixels (arrow keys) and save. */
  nudge(dx: number, dy: number): void;
}

type Body = ToolbarHostMessage extends infer M ? (M extends { channel: 'callbar-toolbar' } ? Omit<M, 'channel'> : never) : never;

/** Sends the frame's requests to the content script of frame 0 of its tab. */
export function hostChannel(tabId: number): (message: Body) => void {
  return (message) => {
    void browser.tabs.sendMessage(tabId, { channel: 'callbar-toolbar', ...message }, { frameId: 0 }).catch(() => undefined);
  };
}

export function hostMover(post: (message: Body) => void): Mover {
  let frame = 0;
  let latest: { dx: number; dy: number } | null = null;
  return {
    beginDrag: (screenX, screenY) => post({ type: 'drag-start', screenX, screenY }),
    dragBy(dx, dy) {
      // One message per animation frame, the latest position.
      latest = { dx, dy };
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        if (latest) post({ type: 'drag', ...latest });
      });
    },
    endDrag() {
      if (frame) cancelAnimationFrame(frame);
      frame = 0;
      if (latest) post({ type: 'drag', ...latest });
      latest = null;
      post({ type: 'drag-end' });
    },
    nudge: (dx, dy) => post({ type: 'nudge', dx, dy }),
  };
}
