/**
 * Read-only views of the PBX: the 状态监控 GET routes status/endpoint, status/trunk, status/wait
 * (status/queue is in queues.ts), and the simulator's own snapshot (GET /_sim/state).
 */
import { paginate, positiveInt, type Page, type Query } from './cdr.ts';
import { formatWait, secondsBetween } from './format.ts';
import type { Channel } from './model.ts';
import type { Pbx } from './pbx.ts';
import type { CalleeMode, DeviceState } from './rules.ts';

/** The trunk's far end, as status/trunk reports it. */
const TRUNK_SERVER = { ip: '192.168.1.201', port: '5060' };

/** status/endpoint?page&pageSize&endpoint: one row per configured extension. */
export function endpointStatus(pbx: Pbx, query: Query): Page<Record<string, string>> {
  const page = positiveInt(query, 'page');
  const pageSize = positiveInt(query, 'pageSize');
  const rows = [...pbx.extensions.values()]
    .filter((e) => !query.endpoint || e.number === query.endpoint)
    .sort((x, y) => x.number.localeCompare(y.number))
    .map((e) => ({
      endpoint: e.number,
      state: pbx.deviceState(e.number),
      channels: `${pbx.channelsOf(e.number).length} of inf`,
      cid: e.number,
      registerIp: e.registered ? e.ip : '',
      registerPort: e.registered ? e.port : '',
    }));
  return { rows: paginate(rows, page, pageSize), total: rows.length };
}

/** status/trunk?page&pageSize&trunk_name: the one trunk outside numbers use. */
export function trunkStatus(pbx: Pbx, query: Query): Page<Record<string, string>> {
  const page = positiveInt(query, 'page');
  const pageSize = positiveInt(query, 'pageSize');
  const name = pbx.config.trunkName;
  const inUse = [...pbx.channels].filter((c) => c.kind === 'trunk').length;
  const rows = [
    {
      endpoint: name,
      state: inUse > 0 ? 'In use' : 'Not in use',
      channels: `${inUse} of inf`,
      serverIp: TRUNK_SERVER.ip,
      serverPort: TRUNK_SERVER.port,
    },
  ].filter((r) => !query.trunk_name || r.endpoint === query.trunk_name);
  return { rows: paginate(rows, page, pageSize), total: rows.length };
}

/** status/wait?page&pageSize&queue_num: callers waiting in the queue, longest first. */
export function waitStatus(pbx: Pbx, query: Query): Page<Record<string, string>> {
  const page = positiveInt(query, 'page');
  const pageSize = positiveInt(query, 'pageSize');
  const now = Date.now();
  const rows = [...pbx.calls]
    .filter((c) => c.wait !== null && c.wait.queue === query.queue_num)
    .sort((x, y) => (x.wait?.since ?? 0) - (y.wait?.since ?? 0))
    .map((c, i) => ({
      serialNo: String(i + 1),
      callerid: c.a.number,
      channel: c.a.name,
      linkedid: c.linkedid,
      queue: c.wait?.queue ?? '',
      waitTime: formatWait(secondsBetween(c.wait?.since ?? now, now)),
      prio: '0',
      ivr: '',
      ac: '',
    }));
  return { rows: paginate(rows, page, pageSize), total: rows.length };
}

// ---------------------------------------------------------------- /_sim/state

/** A compact view of everything, for GET /_sim/state and tests. */
export interface PbxSnapshot {
  calleeMode: CalleeMode;
  extensions: { number: string; registered: boolean; state: DeviceState; channels: number; wrapUp: boolean }[];
  calls: {
    linkedid: string;
    a: LegSnapshot;
    b: LegSnapshot | null;
    queue: string | null;
    spies: { extension: string; mode: string }[];
    consulting: boolean;
  }[];
  queues: Record<string, { members: { extension: string; agentid: string; status: string; paused: number; loggedIn: boolean }[]; waiting: string[] }>;
  parked: { space: string; number: string; parker: string }[];
  cdrCount: number;
}

interface LegSnapshot {
  number: string;
  channel: string;
  state: Channel['state'];
  held: boolean;
}

export function snapshot(pbx: Pbx): PbxSnapshot {
  const leg = (c: Channel | null): LegSnapshot | null =>
    c === null ? null : { number: c.number, channel: c.name, state: c.state, held: c.held };
  const queues: PbxSnapshot['queues'] = {};
  for (const q of pbx.queues.queues) {
    queues[q] = {
      members: pbx.queues
        .all()
        .filter((m) => m.queue === q)
        .map((m) => ({ extension: m.extension, agentid: m.agentid, status: m.status, paused: m.paused, loggedIn: m.loggedIn })),
      waiting: [...pbx.calls]
        .filter((c) => c.wait?.queue === q)
        .sort((x, y) => (x.wait?.since ?? 0) - (y.wait?.since ?? 0))
        .map((c) => c.a.number),
    };
  }
  return {
    calleeMode: pbx.calleeMode,
    extensions: [...pbx.extensions.values()].map((e) => ({
      number: e.number,
      registered: e.registered,
      state: pbx.deviceState(e.number),
      channels: pbx.channelsOf(e.number).length,
      wrapUp: e.wrapUp,
    })),
    calls: [...pbx.calls]
      .filter((c) => c.onOriginateAnswer === null)
      .map((c) => ({
        linkedid: c.linkedid,
        a: leg(c.a) as LegSnapshot,
        b: leg(c.b),
        queue: c.wait?.queue ?? null,
        spies: c.spies.map((s) => ({ extension: s.channel.number, mode: s.mode })),
        consulting: c.consult !== null,
      })),
    queues,
    parked: pbx.parked.map((p) => ({ space: p.space, number: p.channel.number, parker: p.parker })),
    cdrCount: pbx.cdrs.length,
  };
}
