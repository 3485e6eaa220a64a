/**
 * The toolbar acts only on what the agent meant. A web page cannot send this frame events or
 * read it, but it can still steer the agent's real clicks: draw the frame transparent under a
 * decoy, cover it, move it under the cursor, or focus it so the agent's next keys land here.
 * Every control is watched with IntersectionObserver v2 from the moment it appears
 * (src/shared/agent-intent.ts); in the capture phase, before any of the toolbar's own handlers,
 * a click or an Enter / Space that does not count is stopped and the agent is told why — and,
 * while a call's keypad is open (`data-keypad`), a digit, * or # typed on a control: it sends a
 * tone to the other side, so it counts only where the agent put the focus, not where a page's
 * focus() on this frame sent it.
 */
import { AgentIntent, type Refusal } from '../shared/agent-intent.ts';
import { isTextField, padKeyOf } from '../shared/keypad.ts';

const CONTROLS = 'button, input, select, textarea, a[href], [role="button"], [tabindex]';

export function guardInput(root: HTMLElement, onRefused: (reason: Exclude<Refusal, 'untrusted'>) => void): void {
  const intent = new AgentIntent({ isTarget: (node) => node.closest(CONTROLS) });
  intent.listen(window);
  const watchAll = () => {
    for (const el of root.querySelectorAll(CONTROLS)) intent.watch(el);
  };
  watchAll();
  new MutationObserver(watchAll).observe(root, { childList: true, subtree: true });

  const refuse = (event: Event, verdict: Refusal | 'pending' | null): boolean => {
    if (verdict === null) return false;
    event.preventDefault();
    event.stopImmediatePropagation();
    // For whoever looks at this frame (the agent's devtools, the e2e tests): what was refused and why.
    document.documentElement.dataset.refused = `${event.type}:${verdict}`;
    if (verdict !== 'untrusted') onRefused(verdict === 'pending' ? 'moving' : verdict);
    return true;
  };
  const controlOf = (event: Event) => {
    const node = event.composedPath()[0];
    return node instanceof Element ? node.closest(CONTROLS) : null;
  };
  // A press on a control that does not count must not even focus it.
  for (const type of ['pointerdown', 'mousedown'] as const) {
    window.addEventListener(
      type,
      (event) => {
        const el = controlOf(event);
        const verdict = el ? intent.pointerVerdictNow(el, event) : null;
        if (verdict !== null) {
          event.preventDefault();
          event.stopImmediatePropagation();
          document.documentElement.dataset.refused = `${event.type}:${verdict}`;
        }
      },
      true,
    );
  }
  window.addEventListener(
    'click',
    (event) => {
      const el = controlOf(event);
      if (el) refuse(event, intent.pointerVerdictNow(el, event));
    },
    true,
  );
  window.addEventListener(
    'keydown',
    (event) => {
      const el = controlOf(event);
      if (!el) return;
      // Enter / Space act; in a list any key may pick another entry (a pause reason); with the
      // keypad open, a phone key typed on a control sends a tone (keypad.tsx).
      const tone = !isTextField(el as HTMLElement) && padKeyOf(event) !== null && !!root.querySelector('[data-keypad]');
      const activates = el.matches('select') ? event.key !== 'Tab' : event.key === 'Enter' || (event.key === ' ' && !el.matches('input, textarea')) || tone;
      if (activates) refuse(event, intent.keyVerdictNow(el, event));
    },
    true,
  );
}
