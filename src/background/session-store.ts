/**
 * The agent's session as it must survive the service worker being killed: kept in
 * chrome.storage.session (memory only, cleared when the browser closes, not
 * readable by content scripts at its default access level).
 */
import type { Call } from '../shared/call-state.ts';
import type { Problem } from '../shared/errors.ts';
import type { ProviderId } from '../shared/ids.ts';
import type { AgentInfo, Capabilities, SessionStatus, Team } from '../shared/session-state.ts';

export interface StoredSession {
  status: SessionStatus;
  providerId: ProviderId | null;
  agent: AgentInfo | null;
  agentState: string | null;
  agentStateSince: number | null;
  /** What the logged-in provider can do with these settings (ProviderInfo.capabilitiesFor). */
  capabilities: Capabilities | null;
  call: Call | null;
  problem: Problem | null;
  note: { text: string; at: number } | null;
  /** A supervisor's live list of the group's agents. */
  team: Team | null;
  /** The provider's private resume point (e.g. last event seen, a token). */
  cursor: unknown;
  /**
   * The servers the session (and the tokens in its cursor) belongs to: the settings' server
   * origins at login. A session is never resumed against other servers (docs/security.md).
   */
  servers: string[] | null;
}

export const EMPTY_SESSION: StoredSession = {
  status: 'loggedOut',
  providerId: null,
  agent: null,
  agentState: null,
  agentStateSince: null,
  capabilities: null,
  call: null,
  problem: null,
  note: null,
  team: null,
  cursor: undefined,
  servers: null,
};

const KEY = 'callbar:session';

export interface SessionStorageArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

export async function readSession(area: SessionStorageArea): Promise<StoredSession> {
  const stored = (await area.get(KEY))[KEY];
  if (!stored || typeof stored !== 'object') return { ...EMPTY_SESSION };
  return { ...EMPTY_SESSION, ...(stored as Partial<StoredSession>) };
}

export async function writeSession(area: SessionStorageArea, session: StoredSession): Promise<void> {
  await area.set({ [KEY]: session });
}
