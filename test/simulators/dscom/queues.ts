/**
 * Queue membership (agent/login, logout, pause), the agent status each member reports
 * (getAgentStatus, status/queue) and which member a waiting caller is offered to.
 */
import { formatHms, secondsBetween } from './format.ts';
import { failed, invalid, ok, type Channel, type ExtensionState, type Member, type Outcome } from './model.ts';
import {
  AGENT_STATUS,
  DEVICE_STATES,
  DIRECTION_CODE,
  type AgentStatusCode,
  type DeviceState,
  type PauseCode,
} from './rules.ts';

/** An agent (工号). With `extension` and `queues` it is listed there with status -1 before logging in. */
export interface AgentConfig {
  agentid: string;
  extension?: string;
  queues?: string[];
}

/** What the book needs to know about phones and calls. */
export interface PbxView {
  channelsOf(extension: string): Channel[];
  extension(number: string): ExtensionState | undefined;
  deviceState(number: string): DeviceState;
}

export interface LoginRequest {
  agentid: string;
  extension: string;
  queue: string;
  penalty: number;
  paused: PauseCode;
}

export interface AgentFilter {
  agentid?: string;
  extension?: string;
  queue?: string;
}

export class QueueBook {
  private readonly queueNames: readonly string[];
  private readonly agents: readonly AgentConfig[];
  private readonly view: PbxView;
  /** Keyed `${queue}|${extension}`. */
  private readonly members = new Map<string, Member>();

  constructor(queues: readonly string[], agents: readonly AgentConfig[], view: PbxView) {
    this.queueNames = queues;
    this.agents = agents;
    this.view = view;
    this.reset();
  }

  reset(): void {
    this.members.clear();
    for (const agent of this.agents) {
      if (agent.extension === undefined) continue;
      for (const queue of agent.queues ?? []) {
        if (this.has(queue)) this.members.set(key(queue, agent.extension), newMember(queue, agent.extension, agent.agentid));
      }
    }
  }

  get queues(): readonly string[] {
    return this.queueNames;
  }

  has(queue: string): boolean {
    return this.queueNames.includes(queue);
  }

  member(queue: string, extension: string): Member | undefined {
    return this.members.get(key(queue, extension));
  }

  /** Every membership, logged in or not, by queue then extension. */
  all(): Member[] {
    return [...this.members.values()].sort(
      (x, y) => this.queueNames.indexOf(x.queue) - this.queueNames.indexOf(y.queue) || x.extension.localeCompare(y.extension),
    );
  }

  isLoggedIn(extension: string): boolean {
    return this.all().some((m) => m.loggedIn && m.extension === extension);
  }

  /** The agent id an extension is logged in as ('' if none). */
  agentOf(extension: string): string {
    return this.all().find((m) => m.loggedIn && m.extension === extension)?.agentid ?? '';
  }

  // ---------------------------------------------------------------- agent/*

  login(req: LoginRequest, extensionKnown: boolean): Outcome {
    if (!this.agents.some((a) => a.agentid === req.agentid)) return invalid(`unknown agentid ${req.agentid}`);
    if (!extensionKnown) return invalid(`unknown extension ${req.extension}`);
    if (!this.has(req.queue)) return invalid(`unknown queue ${req.queue}`);
    const loggedIn = this.all().filter((m) => m.loggedIn);
    if (loggedIn.some((m) => m.queue === req.queue && m.extension === req.extension)) {
      return failed(`extension ${req.extension} is already logged in to queue ${req.queue}`);
    }
    const elsewhere = loggedIn.find((m) => m.agentid === req.agentid && m.extension !== req.extension);
    if (elsewhere) return failed(`agent ${req.agentid} is logged in on extension ${elsewhere.extension}`);
    const other = loggedIn.find((m) => m.extension === req.extension && m.agentid !== req.agentid);
    if (other) return failed(`extension ${req.extension} is logged in as agent ${other.agentid}`);

    const member = this.member(req.queue, req.extension) ?? newMember(req.queue, req.extension, req.agentid);
    Object.assign(member, {
      agentid: req.agentid,
      penalty: req.penalty,
      paused: req.paused,
      reason: '',
      loggedIn: true,
      callsTotal: 0,
      ringTimedOut: false,
    });
    this.members.set(key(req.queue, req.extension), member);
    return ok(null);
  }

  /** `queue` may be "all". The membership row stays, reported with status -1. */
  logout(extension: string, queue: string): Outcome<string[]> {
    if (queue !== 'all' && !this.has(queue)) return invalid(`unknown queue ${queue}`);
    const targets = this.all().filter((m) => m.loggedIn && m.extension === extension && (queue === 'all' || m.queue === queue));
    if (targets.length === 0) return failed(`extension ${extension} is not logged in to ${queue === 'all' ? 'any queue' : `queue ${queue}`}`);
    for (const m of targets) {
      m.loggedIn = false;
      m.ringTimedOut = false;
    }
    return ok(targets.map((m) => m.queue));
  }

  /** Sets the pause code; any pause request also clears a ring timeout (status 8). */
  pause(extension: string, queue: string, paused: PauseCode, reason: string): Outcome {
    if (!this.has(queue)) return invalid(`unknown queue ${queue}`);
    const m = this.member(queue, extension);
    if (!m?.loggedIn) return failed(`extension ${extension} is not logged in to queue ${queue}`);
    m.paused = paused;
    m.reason = reason;
    m.ringTimedOut = false;
    return ok(null);
  }

  countAnswered(extension: string, queue: string): void {
    const m = this.member(queue, extension);
    if (m?.loggedIn) m.callsTotal++;
  }

  // ---------------------------------------------------------------- distribution

  /**
   * Who gets a waiting caller: a logged-in, ready (paused 0) member that did not let a call
   * ring out, did not reject this caller, and whose phone is free; lowest penalty first,
   * then the one whose last call ended longest ago.
   */
  pick(queue: string, declined: ReadonlySet<string>, isFree: (extension: string) => boolean): Member | null {
    const candidates = this.all().filter(
      (m) => m.queue === queue && m.loggedIn && m.paused === 0 && !m.ringTimedOut && !declined.has(m.extension) && isFree(m.extension),
    );
    const lastEnd = (m: Member): number => this.view.extension(m.extension)?.lastCallEnd ?? 0;
    candidates.sort((x, y) => x.penalty - y.penalty || lastEnd(x) - lastEnd(y) || x.extension.localeCompare(y.extension));
    return candidates[0] ?? null;
  }

  // ---------------------------------------------------------------- status

  /** The member's 座席状态, derived from its phone, wrap-up and pause state. */
  statusOf(m: Member): AgentStatusCode {
    if (!m.loggedIn) return '-1';
    const channels = this.view.channelsOf(m.extension);
    const up = channels.filter((c) => c.state === 'up');
    if (up.length > 0) {
      if (up.some((c) => c.pickedUp)) return '7';
      const queues = up.map((c) => c.call?.fromQueue ?? null);
      return queues.every((q) => q !== null && q !== m.queue) ? '10' : '1';
    }
    if (channels.some((c) => c.state === 'ringing')) return '2';
    if (this.view.extension(m.extension)?.wrapUp) return '3';
    if (m.ringTimedOut) return '8';
    return String(m.paused) as AgentStatusCode;
  }

  /** Recomputes every member's status, restarting statusDuration where it changed. */
  refresh(now: number): void {
    for (const m of this.members.values()) {
      const status = this.statusOf(m);
      if (status !== m.status) {
        m.status = status;
        m.statusSince = now;
      }
    }
  }

  /** getAgentStatus data: `{queue: {extension: row}}`; PHP's empty array `[]` when nothing matches. */
  agentStatus(filter: AgentFilter): Record<string, Record<string, Record<string, string>>> | [] {
    const data: Record<string, Record<string, Record<string, string>>> = {};
    for (const m of this.all()) {
      if (filter.agentid && m.agentid !== filter.agentid) continue;
      if (filter.extension && m.extension !== filter.extension) continue;
      if (filter.queue && m.queue !== filter.queue) continue;
      (data[m.queue] ??= {})[m.extension] = this.row(m);
    }
    return Object.keys(data).length === 0 ? [] : data;
  }

  /** status/queue rows: the same fields in Chinese, with `…Desc` = "状态(HH:MM:SS)". */
  queueStatus(queue: string): Record<string, string | null>[] {
    return this.all()
      .filter((m) => m.queue === queue)
      .map((m) => {
        const row = this.row(m);
        const status = AGENT_STATUS[m.status as AgentStatusCode].zh;
        const device = DEVICE_STATES[this.view.deviceState(m.extension)].zh;
        return {
          ...row,
          dsStatus: device,
          status,
          statusDesc: `${status}(${row.statusDuration})`,
          dsStatusDesc: `${device}(${row.dsStatusDuration})`,
          sampleTime: null,
        };
      });
  }

  private row(m: Member): Record<string, string> {
    const now = Date.now();
    const channels = this.view.channelsOf(m.extension);
    const main =
      channels.find((c) => c.state === 'up' && !c.held) ??
      channels.find((c) => c.state === 'ringing') ??
      channels.find((c) => c.state === 'up') ??
      null;
    const ext = this.view.extension(m.extension);
    const calls = new Set(channels.map((c) => c.call ?? c.parked));
    return {
      agentid: m.agentid,
      interfaceType: 'PJSIP',
      extension: m.extension,
      queue: m.queue,
      penalty: String(m.penalty),
      current: main === null ? '' : this.otherParty(main),
      linkedid: main?.call?.linkedid ?? main?.parked?.linkedid ?? '',
      dsStatus: DEVICE_STATES[this.view.deviceState(m.extension)].code,
      dsStatusDuration: formatHms(secondsBetween(ext?.stateSince ?? now, now)),
      direction: main === null ? DIRECTION_CODE.none : main.call?.a === main ? DIRECTION_CODE.out : DIRECTION_CODE.in,
      status: m.status,
      statusDesc: AGENT_STATUS[m.status as AgentStatusCode].en,
      statusDuration: formatHms(secondsBetween(m.statusSince, now)),
      callsCurrent: String(calls.size),
      callsTotal: String(m.callsTotal),
      // The document's two examples both show login equal to callsTotal.
      login: String(m.callsTotal),
    };
  }

  /** The number on the other end of the member's channel (the spied extension for a supervisor). */
  private otherParty(channel: Channel): string {
    const call = channel.call;
    if (call === null) return '';
    const spy = call.spies.find((s) => s.channel === channel);
    if (spy) return spy.target;
    if (channel === call.a) return call.b?.number ?? call.dialDest ?? call.cdr?.dst ?? '';
    return call.a.number;
  }
}

function key(queue: string, extension: string): string {
  return `${queue}|${extension}`;
}

function newMember(queue: string, extension: string, agentid: string): Member {
  return {
    queue,
    extension,
    agentid,
    penalty: 0,
    paused: 0,
    reason: '',
    loggedIn: false,
    callsTotal: 0,
    ringTimedOut: false,
    status: '-1',
    statusSince: Date.now(),
  };
}
