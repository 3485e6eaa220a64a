/** Mounts the toolbar in the top frame while the agent is logged in. */
import { render } from 'preact';
import type { PublicState } from '../../shared/session-state.ts';
import { createShadowHost, isolateKeys } from '../shadow-host.ts';
import { Toolbar, TOOLBAR_CSS } from './toolbar.tsx';

let mounted: { host: HTMLElement; root: ShadowRoot } | null = null;

export function renderToolbar(state: PublicState): void {
  if (state.status !== 'loggedIn') {
    if (mounted) {
      render(null, mounted.root);
      mounted.host.remove();
      mounted = null;
    }
    return;
  }
  if (!mounted) {
    mounted = createShadowHost('callbar-toolbar', TOOLBAR_CSS, {
      position: 'fixed',
      right: '16px',
      bottom: '16px',
      'z-index': '2147483647',
    });
    isolateKeys(mounted.root);
  }
  if (!mounted.host.isConnected) document.documentElement.append(mounted.host);
  render(<Toolbar state={state} />, mounted.root);
}
