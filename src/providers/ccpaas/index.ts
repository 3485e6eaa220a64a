/**
 * Provider `ccpaas`: CC PaaS (seed 003, docs/providers/ccpaas.md). The toolbar mode is the agent's
 * PhoneKit session with the CTI server (ccpaas-session.ts) over one WebSocket (ccpaas-wire.ts, the part
 * to swap when the vendor's real frames are known); the REST mode dials with click2call and can cancel
 * (ccpaas-direct.ts).
 *
 * The wire is injected: tests give a fake one.
 */
import type { Provider } from '../provider.ts';
import { ccpaasInfo, type CcpaasSettings } from './ccpaas-info.ts';
import { CcpaasRestSession, type RestSessionDeps } from './ccpaas-direct.ts';
import { CcpaasToolbarSession, type ToolbarSessionDeps } from './ccpaas-session.ts';
import { type OpenCtiWire, openCtiWire } from './ccpaas-wire.ts';

export type CcpaasDeps = Omit<ToolbarSessionDeps, 'openWire'> & RestSessionDeps;

export function createCcpaasProvider(openWire?: OpenCtiWire, deps: CcpaasDeps = {}): Provider<CcpaasSettings> {
  return {
    ...ccpaasInfo,
    createSession: (settings, ctx) =>
      settings.mode === 'toolbar' ? new CcpaasToolbarSession(settings, ctx, { ...deps, ...(openWire ? { openWire } : {}) }) : new CcpaasRestSession(settings, ctx, deps),
  };
}

export const ccpaas: Provider<CcpaasSettings> = createCcpaasProvider(openCtiWire);
