/**
 * Provider `vcall`: v-call 全媒体联络中心 (seed 001, docs/providers/vcall.md). Mode (a) is an agent
 * session (vcall-session.ts) whose events arrive over STOMP through an injected OpenVcallStream;
 * modes (b) and (c) dial with one HTTP request each (vcall-direct.ts).
 *
 * Wiring the STOMP transport: `createVcallProvider(openVcallStream)` — vcall-stomp.ts on this
 * branch declares only the interface; once it exports `openVcallStream`, the last line becomes
 * `export const vcall = createVcallProvider(openVcallStream);`.
 */
import type { Provider } from '../provider.ts';
import { vcallInfo, type VcallSettings } from './vcall-info.ts';
import { type DirectSessionDeps, VcallDirectSession } from './vcall-direct.ts';
import { type AgentSessionDeps, VcallAgentSession } from './vcall-session.ts';
import type { OpenVcallStream } from './vcall-stomp.ts';

export type VcallDeps = Omit<AgentSessionDeps, 'openStream'> & DirectSessionDeps;

export function createVcallProvider(openStream?: OpenVcallStream, deps: VcallDeps = {}): Provider<VcallSettings> {
  return {
    ...vcallInfo,
    createSession: (settings, ctx) =>
      settings.mode === 'agent' ? new VcallAgentSession(settings, ctx, { ...deps, ...(openStream ? { openStream } : {}) }) : new VcallDirectSession(settings, ctx, deps),
  };
}

export const vcall: Provider<VcallSettings> = createVcallProvider();
