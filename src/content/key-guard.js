// @ts-check
/**
 * Content script run at document_start, before any page script: keys typed in CallBar's own UI
 * never reach the page's shortcut handlers — not even listeners a page registers on `window` in
 * the capture phase, which see an event before it reaches our shadow root.
 *
 * Plain script on purpose: crxjs loads module content scripts through an async import(), which
 * would run after the page's first scripts. scripts/key-guard-plugin.ts puts this file into the
 * built manifest as the first content script.
 *
 * A key event whose target (retargeted to the host element) is one of our hosts is stopped here,
 * first of all listeners. Its default action (the character typed, the caret moving) still
 * happens; CallBar's own handlers get a non-composed copy dispatched on the real element inside
 * the shadow root, which cannot leave it, and recognise it through the set shared on the content
 * scripts' own global (src/content/agent-input.ts; the page cannot see that isolated world). A
 * copy the toolbar cancels cancels the original.
 */
(() => {
  // The toolbar only: the picker's bar has no text fields, and its Esc is handled by a
  // document-level listener of the picker itself, which must keep seeing it.
  const OUR_HOSTS = new Set(['callbar-toolbar']);
  const scope = /** @type {Record<string, WeakSet<Event> | undefined>} */ (/** @type {unknown} */ (globalThis));
  const forwarded = (scope.__callbarForwardedKeys ??= new WeakSet());

  /** @param {Event} event */
  function guard(event) {
    const host = event.target;
    if (!(host instanceof Element) || !OUR_HOSTS.has(host.localName) || !(event instanceof KeyboardEvent)) return;
    if (forwarded.has(event)) return;
    event.stopImmediatePropagation();
    const inner = event.composedPath()[0];
    if (!(inner instanceof Element) || inner === host) return;
    const copy = new KeyboardEvent(event.type, {
      key: event.key,
      code: event.code,
      location: event.location,
      repeat: event.repeat,
      isComposing: event.isComposing,
      ctrlKey: event.ctrlKey,
      shiftKey: event.shiftKey,
      altKey: event.altKey,
      metaKey: event.metaKey,
      bubbles: true,
      cancelable: true,
      composed: false,
    });
    forwarded.add(copy);
    inner.dispatchEvent(copy);
    if (copy.defaultPrevented) event.preventDefault();
  }

  for (const type of ['keydown', 'keyup', 'keypress']) window.addEventListener(type, guard, true);
})();
