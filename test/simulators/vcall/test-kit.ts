/**
 * Helpers the v-call simulator's tests share: a fast simulator, the 座席控制 and token-API
 * clients as a CRM page would call them, and waiting for an agent's events.
 */
import { expect } from 'vitest';
import type { VcallSimulator} from './vcall-simulator.ts';
import { DEFAULT_COMPANY, type VcallSimulatorOptions } from './vcall-simulator.ts';

/** Short delays keep the flows fast; tests wait for events rather than sleeping. */
export const FAST: VcallSimulatorOptions = {
  ringDelayMs: 5,
  answerDelayMs: 10,
  noAnswerTimeoutMs: 80,
  agentRingTimeoutMs: 150,
  autoIdleSeconds: 0.05,
  outboxRetryMs: 20,
};

export const COMPANY = DEFAULT_COMPANY.companyId;

/** Replies and events are checked with toEqual / toMatchObject; loose typing is enough here. */
export type Json = any;

export class Kit {
  private seq = 1_689_131_708_000;

  constructor(readonly sim: VcallSimulator) {}

  async post(path: string, body: unknown, raw = false): Promise<{ status: number; json: Json; text: string }> {
    const res = await fetch(`${this.sim.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json;charset=utf-8' },
      body: raw ? (body as string) : JSON.stringify(body),
    });
    const text = await res.text();
    let json: Json = null;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, json, text };
  }

  /** One 座席控制 request; returns the reply body. */
  async control(agentNumber: string, request: string, fields: Record<string, unknown> = {}, sequence?: number): Promise<Json> {
    const body = { companyId: COMPANY, agentNumber, request, sequence: sequence ?? ++this.seq, ...fields };
    const { status, json } = await this.post('/ccs/api/agent/control', body);
    expect(status).toBe(200);
    return json;
  }

  /** A request that must be accepted. */
  async ok(agentNumber: string, request: string, fields: Record<string, unknown> = {}): Promise<number> {
    const sequence = ++this.seq;
    const reply = await this.control(agentNumber, request, fields, sequence);
    expect(reply).toEqual({ code: '0', data: { sequence }, msg: 'success' });
    return sequence;
  }

  /** A request that must be refused with this msg. */
  async refused(agentNumber: string, request: string, fields: Record<string, unknown>, msg: string): Promise<void> {
    const reply = await this.control(agentNumber, request, fields);
    expect(reply.code).toBe('-1');
    expect(reply.msg).toBe(msg);
  }

  async login(agentNumber: string, loginType: number | string = 1): Promise<Json> {
    await this.ok(agentNumber, 'login', { password: '123456', loginType });
    return this.waitEvent(agentNumber, (e) => e.event === 'Login' || e.event === 'Reconnect');
  }

  async loginIdle(agentNumber: string, loginType: number | string = 1): Promise<void> {
    await this.login(agentNumber, loginType);
    await this.ok(agentNumber, 'idle');
    await this.waitEvent(agentNumber, 'Idle');
  }

  events(agentNumber: string): Json[] {
    return this.sim.eventsOf(agentNumber);
  }

  names(agentNumber: string): string[] {
    return this.events(agentNumber).map((e) => e.event);
  }

  /** Waits for the next event of the agent matching `match` that has not been waited for before. */
  async waitEvent(agentNumber: string, match: string | ((e: Json) => boolean), timeoutMs = 2000): Promise<Json> {
    const test = typeof match === 'string' ? (e: Json) => e.event === match : match;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events(agentNumber).find((e) => !this.seen.has(e) && test(e));
      if (found !== undefined) {
        this.seen.add(found);
        return found;
      }
      if (Date.now() > deadline) throw new Error(`no ${typeof match === 'string' ? match : 'matching'} event for ${agentNumber}; got ${this.names(agentNumber).join(', ')}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private readonly seen = new Set<Json>();

  /** Waits until the agent's nowState (simulator view) is `state`. */
  async waitState(agentNumber: string, state: string, timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.stateOf(agentNumber).nowState !== state) {
      if (Date.now() > deadline) throw new Error(`${agentNumber} is ${this.stateOf(agentNumber).nowState}, not ${state}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  stateOf(agentNumber: string): Json {
    return (this.sim.state.agents as Json[]).find((a) => a.agentNumber === agentNumber);
  }

  async token(): Promise<string> {
    const { json } = await this.post('/api/token', { accessKeyId: DEFAULT_COMPANY.accessKeyId, accessKeySecret: DEFAULT_COMPANY.accessKeySecret });
    return json.data.token;
  }

  /** Outbound call to talking; returns the agent's Conversation event. */
  async talk(agentNumber: string, called = '13900000001'): Promise<Json> {
    await this.ok(agentNumber, 'makeCall', { called });
    return this.waitEvent(agentNumber, 'Conversation');
  }
}
