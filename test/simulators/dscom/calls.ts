/**
 * Basic call control and agent state on the PBX: call/dial, hangup, hold, unhold, agent/*,
 * and the simulator's control operations (incoming calls, answering, the callee, remote
 * hang-ups, registration). Transfers, parking and supervision are in features.ts.
 */
import { ControlError, failed, invalid, ok, type Channel, type Outcome } from './model.ts';
import type { Pbx } from './pbx.ts';
import { CALLEE_MODES, DIAL_PATTERN, type CalleeMode, type PauseCode } from './rules.ts';

export interface IncomingCall {
  from: string;
  queue?: string;
  extension?: string;
}

// ---------------------------------------------------------------- call/*

/**
 * call/dial, like an Asterisk originate: the extension's own phone rings first and
 * (auto-)answers, then `dest` is dialled. Returns the uniqueid of the agent's channel.
 */
export function dial(pbx: Pbx, extension: string, dest: string, displaycid?: string): Outcome<string> {
  return pbx.act(() => {
    const ext = pbx.extensions.get(extension);
    if (ext === undefined) return invalid(`unknown extension ${extension}`);
    if (dest === extension) return invalid('dest is the extension itself');
    if (!ext.registered) return failed(`extension ${extension} is not registered`);
    if (pbx.channelsOf(extension).some((c) => !(c.state === 'up' && c.held))) {
      return failed(`extension ${extension} is busy (only held calls may stay while dialling)`);
    }
    const a = pbx.newChannel('ext', extension, 'ringing');
    const direction = pbx.extensions.has(dest) ? 'inner' : 'out';
    const call = pbx.newCall({
      a,
      dialDest: dest,
      calleeFollowsMode: true,
      cdr: pbx.draft(a, {
        src: displaycid ?? extension,
        dst: dest,
        direction,
        billingid: direction === 'out' ? extension : '',
      }),
    });
    // The document's example with an outside caller id shows clid " <18551811888>".
    if (displaycid !== undefined && call.cdr) call.cdr.clid = ` <${displaycid}>`;
    pbx.ringAgentPhone(a, call);
    return ok(a.uniqueid);
  });
}

/** call/hangup: `number` is an extension or an outside number in a call. */
export function hangup(pbx: Pbx, number: string): Outcome {
  return pbx.act(() => (pbx.hangupParty(number) ? ok(null) : failed(`no call for ${number}`)));
}

export function hold(pbx: Pbx, extension: string): Outcome {
  return pbx.act(() => {
    const channel = pbx.talkingChannel(extension);
    if (channel === null) return failed(`extension ${extension} has no connected call to hold`);
    channel.held = true;
    return ok(null);
  });
}

/** Not for the leg an attended transfer holds (cancelAtxfer returns to it). */
export function unhold(pbx: Pbx, extension: string): Outcome {
  return pbx.act(() => {
    const channel = pbx.channelsOf(extension).find((c) => c.held && c.call !== null && c.call.consult === null);
    if (channel === undefined) return failed(`extension ${extension} has no held call`);
    channel.held = false;
    return ok(null);
  });
}

// ---------------------------------------------------------------- agent/*

export function agentLogin(pbx: Pbx, agentid: string, extension: string, queue: string, penalty: number, paused: PauseCode): Outcome {
  return pbx.act(() =>
    pbx.queues.login({ agentid, extension, queue, penalty, paused }, pbx.extensions.has(extension)),
  );
}

/** Logging out also withdraws a queue call ringing at the extension from those queues. */
export function agentLogout(pbx: Pbx, extension: string, queue: string): Outcome {
  return pbx.act(() => {
    const outcome = pbx.queues.logout(extension, queue);
    if (!outcome.ok) return outcome;
    for (const call of [...pbx.calls]) {
      if (call.wait && call.b?.number === extension && outcome.value.includes(call.wait.queue)) pbx.detachB(call);
    }
    return ok(null);
  });
}

export function agentPause(pbx: Pbx, extension: string, queue: string, paused: PauseCode, reason: string): Outcome {
  return pbx.act(() => pbx.queues.pause(extension, queue, paused, reason));
}

// ---------------------------------------------------------------- control (throw ControlError)

/** An outside caller rings a queue or an extension. Returns the caller channel's ids. */
export function injectIncoming(pbx: Pbx, incoming: IncomingCall): { uniqueid: string; linkedid: string } {
  const { from, queue, extension } = incoming;
  if (typeof from !== 'string' || !DIAL_PATTERN.test(from)) throw new ControlError('"from" must be a phone number', 'input');
  if ((queue === undefined) === (extension === undefined)) {
    throw new ControlError('give exactly one of "queue" or "extension"', 'input');
  }
  if (queue !== undefined && !pbx.queues.has(queue)) throw new ControlError(`unknown queue ${queue}`, 'input');
  if (extension !== undefined) {
    const ext = pbx.extensions.get(extension);
    if (ext === undefined) throw new ControlError(`unknown extension ${extension}`, 'input');
    if (!ext.registered) throw new ControlError(`extension ${extension} is not registered`, 'state');
  }
  return pbx.act(() => {
    const a = pbx.newChannel('trunk', from, queue === undefined ? 'ringing' : 'up');
    const call = pbx.newCall({
      a,
      cdr: pbx.draft(a, {
        dst: queue ?? extension ?? '',
        dcontext: queue === undefined ? 'from-trunk' : 'ext-queues',
        lastapp: queue === undefined ? 'Dial' : 'Queue',
        lastdata: queue === undefined ? '' : `${queue},t,,,300`,
        direction: 'in',
      }),
    });
    if (queue !== undefined) {
      call.wait = { queue, since: Date.now(), declined: new Set() };
      call.fromQueue = queue;
    } else if (extension !== undefined) {
      pbx.ringExtension(call, extension);
    }
    return { uniqueid: a.uniqueid, linkedid: call.linkedid };
  });
}

/** The agent picks up the phone that rings at `extension` (the only ringing one if omitted). */
export function agentAnswer(pbx: Pbx, extension?: string): void {
  const ringing = [...pbx.channels].filter(
    (c) => c.kind === 'ext' && c.state === 'ringing' && (extension === undefined || c.number === extension),
  );
  if (ringing.length === 0) {
    throw new ControlError(extension === undefined ? 'no phone is ringing' : `extension ${extension} is not ringing`, 'state');
  }
  if (extension === undefined && new Set(ringing.map((c) => c.number)).size > 1) {
    throw new ControlError('several extensions ring: name one', 'input');
  }
  const channel = ringing.sort((x, y) => x.createdAt - y.createdAt)[0];
  if (channel) pbx.act(() => pbx.answerChannel(channel));
}

export function setCalleeMode(pbx: Pbx, mode: CalleeMode): void {
  if (!(CALLEE_MODES as readonly string[]).includes(mode)) {
    throw new ControlError(`mode must be one of ${CALLEE_MODES.join(', ')}`, 'input');
  }
  pbx.calleeMode = mode;
}

/** The far end of a dial / transfer / consultation answers now. */
export function calleeAnswer(pbx: Pbx, number?: string): void {
  const b = pendingCallee(pbx, number, 'calleeAnswer');
  pbx.act(() => pbx.answerChannel(b));
}

/** The far end rejects as busy now. */
export function calleeBusy(pbx: Pbx, number?: string): void {
  const b = pendingCallee(pbx, number, 'calleeBusy');
  pbx.act(() => pbx.calleeRejects(b, 'BUSY'));
}

function pendingCallee(pbx: Pbx, number: string | undefined, what: string): Channel {
  const candidates = [...pbx.channels].filter(
    (c) => c.call !== null && c === c.call.b && c.call.calleeFollowsMode && c.state !== 'up' && (number === undefined || c.number === number),
  );
  if (candidates.length === 0) throw new ControlError(`${what}: no callee is being dialled`, 'state');
  if (candidates.length > 1) throw new ControlError(`${what}: several callees are being dialled; name one`, 'input');
  return candidates[0] as Channel;
}

/** A party hangs up on its own: an outside number (the only one if omitted) or a phone. */
export function remoteHangup(pbx: Pbx, number?: string): void {
  let target = number;
  if (target === undefined) {
    const outside = new Set([...pbx.channels].filter((c) => c.kind === 'trunk').map((c) => c.number));
    if (outside.size > 1) throw new ControlError('several outside parties: name one', 'input');
    target = [...outside][0];
  }
  if (target === undefined || ![...pbx.channels].some((c) => c.number === target)) {
    throw new ControlError(target === undefined ? 'no outside party is in a call' : `${target} is in no call`, 'state');
  }
  const party = target;
  pbx.act(() => pbx.hangupParty(party));
}

/** An extension's phone registers or goes offline (its calls are hung up). */
export function setRegistered(pbx: Pbx, extension: string, registered: boolean): void {
  const ext = pbx.extensions.get(extension);
  if (ext === undefined) throw new ControlError(`unknown extension ${extension}`, 'input');
  pbx.act(() => {
    if (!registered) for (const channel of pbx.channelsOf(extension)) pbx.hangupChannel(channel);
    ext.registered = registered;
  });
}
