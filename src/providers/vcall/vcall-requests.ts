/**
 * The request bodies of v-call's HTTP APIs, exactly as the document gives them (pure):
 * - 座席控制 `/ccs/api/agent/control` (seed 2399-2915): the common body `companyId`, `agentNumber`,
 *   `request`, `sequence` (a timestamp, echoed in the reply and in the event it causes) plus each
 *   request's own fields — every value a string except `sequence` (long) and `transferMode` (int);
 * - 授权 `/api/token` (seed 12-45), 发起呼叫 `/api/agent/open/call` (seed 2196-2240) and 双向回呼
 *   `/api/sip/makecall` (seed 5225-5262), whose `token` travels in the body.
 */
import { TARGET_KINDS, type TargetKind } from './vcall-info.ts';

export type VcallCommand =
  | { request: 'login'; password: string; loginType: '1' | '2' | '3' }
  | { request: 'logout' }
  | { request: 'reconnect' }
  | { request: 'idle' }
  | { request: 'busy'; busyType?: string }
  | { request: 'makeCall'; called: string; callId?: string; caller?: string; callAgentType?: 'default' | 'phone' | 'sip' }
  | { request: 'cancelCall' }
  | { request: 'hold' }
  | { request: 'unHold' }
  | { request: 'mute' }
  | { request: 'unmute' }
  | { request: 'consultCall'; kind: TargetKind; target: string }
  | { request: 'consultCancel' }
  | { request: 'tripartiteTalk' }
  | { request: 'transferCall'; kind: TargetKind; target: string; consultative: boolean }
  | { request: 'transferCancel' }
  | { request: 'surveillance'; groupId?: string }
  | { request: 'idleAgent'; groupId: string }
  | { request: 'heartbeat' }
  | { request: SupervisorRequest; beAgentNumber: string };

export const SUPERVISOR_REQUESTS = ['forceIdle', 'forceBusy', 'forceLogout', 'listen', 'forceBreak', 'forceInsert', 'intercept'] as const;
export type SupervisorRequest = (typeof SUPERVISOR_REQUESTS)[number];

export function isSupervisorRequest(value: string): value is SupervisorRequest {
  return (SUPERVISOR_REQUESTS as readonly string[]).includes(value);
}

export type RequestName = VcallCommand['request'];

export interface ControlIdentity {
  companyId: string;
  agentNumber: string;
}

/** The JSON body of one 座席控制 request. */
export function controlBody(identity: ControlIdentity, command: VcallCommand, sequence: number): Record<string, string | number> {
  const body: Record<string, string | number> = { companyId: identity.companyId, agentNumber: identity.agentNumber, request: command.request, sequence };
  switch (command.request) {
    case 'login':
      return { ...body, password: command.password, loginType: command.loginType };
    case 'busy':
      return command.busyType ? { ...body, busyType: command.busyType } : body;
    case 'makeCall':
      return {
        ...body,
        called: command.called,
        ...(command.callId ? { callId: command.callId } : {}),
        ...(command.caller ? { caller: command.caller } : {}),
        ...(command.callAgentType ? { callAgentType: command.callAgentType } : {}),
      };
    case 'consultCall':
      return { ...body, consultType: TARGET_KINDS[command.kind], consultId: command.target };
    case 'transferCall':
      return { ...body, transferType: TARGET_KINDS[command.kind], transferId: command.target, transferMode: command.consultative ? 1 : 0 };
    case 'surveillance':
      return command.groupId ? { ...body, groupId: command.groupId } : body;
    case 'idleAgent':
      return { ...body, groupId: command.groupId };
    case 'forceIdle':
    case 'forceBusy':
    case 'forceLogout':
    case 'listen':
    case 'forceBreak':
    case 'forceInsert':
    case 'intercept':
      return { ...body, beAgentNumber: command.beAgentNumber };
    default:
      return body;
  }
}

/** Sequences: the time in ms, but always growing (two requests in one millisecond stay apart). */
export class SequenceClock {
  private last = 0;
  constructor(private readonly now: () => number) {}
  next(): number {
    this.last = Math.max(this.now(), this.last + 1);
    return this.last;
  }
}

export function tokenBody(accessKeyId: string, accessKeySecret: string): Record<string, string> {
  return { accessKeyId, accessKeySecret };
}

export interface DialOptions {
  callnum?: string;
  userData?: string;
}

/** 发起呼叫: the platform calls the agent (`agentNum`) and then the customer. */
export function openCallBody(token: string, agentNum: string, called: string, type: 'default' | 'phone' | 'sip', options: DialOptions = {}): Record<string, string> {
  return {
    token,
    agentNum,
    called,
    ...(options.userData ? { userData: options.userData } : {}),
    ...(options.callnum ? { callnum: options.callnum } : {}),
    type,
  };
}

/** 双向回呼: the platform calls `caller` (the agent's phone), then `called` once the caller answered. */
export function callbackBody(token: string, caller: string, called: string, type: 'default' | 'click' | 'cmccbid', options: DialOptions = {}): Record<string, string> {
  return {
    token,
    caller,
    called,
    ...(options.userData ? { userData: options.userData } : {}),
    ...(options.callnum ? { callnum: options.callnum } : {}),
    type,
  };
}
