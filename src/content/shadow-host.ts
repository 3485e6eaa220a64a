/**
 * Injected UI lives in a CLOSED shadow root behind a host element whose own styles are
 * reset: the page's CSS cannot reach in, ours cannot leak out, and page scripts cannot
 * read or reach what is inside (`host.shadowRoot` is null for them; our isolated world keeps
 * the only reference). Styles are constructed stylesheets (adoptedStyleSheets), which a
 * page's CSP style-src does not govern, so the UI survives strict-CSP pages. Sheets are per
 * document.
 */
const sheets = new Map<string, CSSStyleSheet>();

export function sheet(css: string): CSSStyleSheet {
  let s = sheets.get(css);
  if (!s) {
    s = new CSSStyleSheet();
    s.replaceSync(css);
    sheets.set(css, s);
  }
  return s;
}

/** Host styles, set through CSSOM (allowed under CSP, unlike a style attribute in markup). */
export function resetHost(host: HTMLElement, styles: Record<string, string>): void {
  host.style.setProperty('all', 'initial', 'important');
  for (const [name, value] of Object.entries(styles)) host.style.setProperty(name, value, 'important');
}

export function createShadowHost(tag: string, css: string, hostStyles: Record<string, string>): { host: HTMLElement; root: ShadowRoot } {
  const host = document.createElement(tag);
  resetHost(host, hostStyles);
  const root = host.attachShadow({ mode: 'closed' });
  root.adoptedStyleSheets = [sheet(css)];
  return { host, root };
}

/** Stop keyboard events typed into our UI from reaching the page's shortcut handlers. */
export function isolateKeys(root: ShadowRoot): void {
  for (const type of ['keydown', 'keyup', 'keypress']) {
    root.addEventListener(type, (event) => event.stopPropagation());
  }
}
