/**
 * The call features on top of the PBX's building blocks: transfer (blind, attended, app),
 * cancelAtxfer, park / parkList / unpark, pickup, redirect, barge / monitor / whisper.
 * Actions that need the agent's own phone (pickup, unpark, supervision) ring it first,
 * like call/dial; it (auto-)answers and then joins.
 */
import { secondsBetween } from './format.ts';
import { failed, invalid, ok, type Call, type Channel, type Outcome, type ParkedCall, type SpyMode } from './model.ts';
import type { Pbx } from './pbx.ts';
import type { TRANSFER_TYPES } from './rules.ts';

const PARKING_SPACES = Array.from({ length: 20 }, (_, i) => String(701 + i));

// ---------------------------------------------------------------- transfer

export function transfer(pbx: Pbx, type: (typeof TRANSFER_TYPES)[number], extension: string, dest: string): Outcome {
  return pbx.act(() => {
    if (dest === extension) return invalid('dest is the transferring extension');
    const channel = pbx.talkingChannel(extension);
    const call = channel?.call ?? null;
    if (channel === null || call === null) return failed(`extension ${extension} has no connected call to transfer`);
    if (call.consult || call.consultOf) return failed('an attended transfer is already in progress');
    const other = pbx.otherLeg(call, channel);
    if (other === null) return failed('nobody to transfer');
    if (type === 'attended') return consult(pbx, call, channel, dest);
    if (type === 'app') return toApplication(pbx, call, channel, other, dest);

    // Blind: the agent leaves; the other party now calls dest.
    pbx.finishSegment(call, [channel], channel);
    const direction = pbx.directionTo(other, dest);
    const next = pbx.newCall({
      linkedid: call.linkedid,
      a: other,
      fromQueue: call.fromQueue,
      calleeFollowsMode: true,
      cdr: pbx.draft(other, { dst: dest, direction, billingid: direction === 'out' ? extension : '' }),
    });
    pbx.dialCallee(next, dest);
    return ok(null);
  });
}

/** Attended: the other party is held, the agent's phone gets a second leg that dials dest. */
function consult(pbx: Pbx, call: Call, channel: Channel, dest: string): Outcome {
  channel.held = true;
  const leg = pbx.newChannel('ext', channel.number, 'up');
  const direction = pbx.directionTo(leg, dest);
  const consultation = pbx.newCall({
    linkedid: call.linkedid,
    a: leg,
    consultOf: call,
    calleeFollowsMode: true,
    cdr: pbx.draft(leg, { dst: dest, direction, billingid: direction === 'out' ? channel.number : '' }),
  });
  call.consult = consultation;
  pbx.dialCallee(consultation, dest);
  return ok(null);
}

/**
 * `app`: dest is context,exten,priority. "ext-queues,<queue>,1" puts the other party in that
 * queue; any other context (an IVR) answers it and keeps it until it hangs up.
 */
function toApplication(pbx: Pbx, call: Call, channel: Channel, other: Channel, dest: string): Outcome {
  const [context = '', exten = ''] = dest.split(',');
  const toQueue = context === 'ext-queues';
  if (toQueue && !pbx.queues.has(exten)) return failed(`unknown queue ${exten}`);
  pbx.finishSegment(call, [channel], channel);
  const next = pbx.newCall({
    linkedid: call.linkedid,
    a: other,
    cdr: pbx.draft(other, {
      dst: exten,
      dcontext: context,
      lastapp: toQueue ? 'Queue' : 'BackGround',
      lastdata: toQueue ? `${exten},t,,,300` : dest,
      direction: other.kind === 'trunk' ? 'in' : 'inner',
      answer: toQueue ? null : Date.now(),
    }),
  });
  if (toQueue) {
    next.wait = { queue: exten, since: Date.now(), declined: new Set() };
    next.fromQueue = exten;
  }
  return ok(null);
}

/** Ends the consultation; the agent is back with the held party. */
export function cancelAtxfer(pbx: Pbx, extension: string): Outcome {
  return pbx.act(() => {
    const consultation = [...pbx.calls].find((c) => c.consultOf !== null && c.a.number === extension);
    if (consultation === undefined) return failed(`extension ${extension} has no attended transfer in progress`);
    pbx.endCall(consultation, consultation.a);
    return ok(null);
  });
}

// ---------------------------------------------------------------- park

/** The other party goes to the first free space from 701; the agent's leg ends. */
export function park(pbx: Pbx, extension: string): Outcome {
  return pbx.act(() => {
    const channel = pbx.talkingChannel(extension);
    const call = channel?.call ?? null;
    if (channel === null || call === null) return failed(`extension ${extension} has no connected call to park`);
    if (call.consult || call.consultOf) return failed('an attended transfer is in progress');
    const other = pbx.otherLeg(call, channel);
    const space = PARKING_SPACES.find((s) => !pbx.parked.some((p) => p.space === s));
    if (other === null) return failed('nobody to park');
    if (space === undefined) return failed('the parking lot is full');
    pbx.finishSegment(call, [channel], channel);
    const parked: ParkedCall = {
      channel: other,
      space,
      parker: extension,
      since: Date.now(),
      linkedid: call.linkedid,
      context: call.fromQueue === null ? 'from-internal' : `q${call.fromQueue}`,
      exten: call.fromQueue ?? call.cdr?.dst ?? '',
      priority: call.fromQueue === null ? '1' : '7',
      timer: null,
    };
    other.held = false;
    other.parked = parked;
    pbx.parked.push(parked);
    parked.timer = pbx.timers.set(pbx.config.parkingTimeoutMs, () => pbx.act(() => comeBack(pbx, parked)));
    return ok(null);
  });
}

/** Parking timeout: the call rings the extension that parked it (comebacktoorigin). */
function comeBack(pbx: Pbx, parked: ParkedCall): void {
  if (!pbx.parked.includes(parked)) return;
  pbx.leaveLot(parked);
  const channel = parked.channel;
  const call = pbx.newCall({
    linkedid: parked.linkedid,
    a: channel,
    cdr: pbx.draft(channel, {
      dst: parked.parker,
      dcontext: 'park-return-routing',
      direction: channel.kind === 'trunk' ? 'in' : 'inner',
    }),
  });
  if (pbx.isRegistered(parked.parker)) pbx.ringExtension(call, parked.parker);
  else pbx.endCall(call, null, 'FAILED');
}

/** parkList rows in the document's shape; only those parked by `extension` when given. */
export function parkList(pbx: Pbx, extension: string | undefined): Record<string, string>[] {
  const now = Date.now();
  return pbx.parked
    .filter((p) => !extension || p.parker === extension)
    .map((p) => ({
      parkeeChannel: p.channel.name,
      parkeeChannelState: '6',
      parkeeChannelStateDesc: 'Up',
      parkeeCallerIDNum: p.channel.number,
      parkeeCallerIDName: p.channel.number,
      parkeeConnectedLineNum: p.parker,
      parkeeConnectedLineName: 'device',
      parkeeLanguage: 'cn',
      parkeeAccountCode: '',
      parkeeContext: p.context,
      parkeeExten: p.exten,
      parkeePriority: p.priority,
      parkeeUniqueid: p.channel.uniqueid,
      parkeeLinkedid: p.linkedid,
      parkerDialString: `PJSIP/${p.parker}`,
      parkingLot: 'default',
      parkingSpace: p.space,
      // Seconds left (the document's example shows an unsigned underflow; we report sane values).
      parkingTimeout: String(Math.max(0, Math.ceil((p.since + pbx.config.parkingTimeoutMs - now) / 1000))),
      parkingDuration: String(secondsBetween(p.since, now)),
    }));
}

/** unpark: `extension`'s phone rings, answers, and takes the call parked by caller `number`. */
export function unpark(pbx: Pbx, extension: string, number: string): Outcome {
  return pbx.act(() => {
    if (!pbx.extensions.has(extension)) return invalid(`unknown extension ${extension}`);
    if (!pbx.isRegistered(extension)) return invalid(`extension ${extension} is not registered`);
    const parked = pbx.parked.find((p) => p.channel.number === number);
    if (parked === undefined) return failed(`no call from ${number} is parked`);
    pbx.originate(extension, (agent) => {
      if (!pbx.parked.includes(parked)) return false;
      pbx.leaveLot(parked);
      const call = pbx.newCall({
        linkedid: parked.linkedid,
        a: agent,
        b: parked.channel,
        cdr: pbx.draft(agent, {
          dst: parked.space,
          lastapp: 'ParkedCall',
          lastdata: `default,${parked.space}`,
          direction: parked.channel.kind === 'trunk' ? 'in' : 'inner',
          answer: Date.now(),
        }),
      });
      if (call.cdr) call.cdr.dstchannel = parked.channel.name;
      return true;
    });
    return ok(null);
  });
}

// ---------------------------------------------------------------- pickup, redirect

/** The channel ringing at `dest` as a callee (not its own originate). */
function ringingCallee(pbx: Pbx, dest: string): Channel | null {
  return pbx.channelsOf(dest).find((c) => c.state === 'ringing' && c.call !== null && c === c.call.b) ?? null;
}

export function pickup(pbx: Pbx, extension: string, dest: string): Outcome {
  return pbx.act(() => {
    if (extension === dest) return invalid('extension and dest are the same');
    if (!pbx.extensions.has(extension)) return invalid(`unknown extension ${extension}`);
    if (!pbx.extensions.has(dest)) return invalid(`unknown extension ${dest}`);
    if (!pbx.isRegistered(extension)) return failed(`extension ${extension} is not registered`);
    if (ringingCallee(pbx, dest) === null) return failed(`extension ${dest} is not ringing`);
    pbx.originate(extension, (agent) => {
      const target = ringingCallee(pbx, dest);
      const call = target?.call ?? null;
      if (target === null || call === null) return false;
      pbx.dropChannel(target);
      pbx.attachB(call, agent);
      agent.pickedUp = true;
      pbx.connected(call);
      return true;
    });
    return ok(null);
  });
}

/** A queued caller leaves its queue and rings `extension` (answered by hand). */
export function redirect(pbx: Pbx, extension: string, number: string): Outcome {
  return pbx.act(() => {
    if (!pbx.extensions.has(extension)) return invalid(`unknown extension ${extension}`);
    if (!pbx.isRegistered(extension)) return failed(`extension ${extension} is not registered`);
    const call = [...pbx.calls].find((c) => c.wait !== null && c.a.number === number);
    if (call === undefined) return failed(`${number} is not waiting in a queue`);
    if (call.b) pbx.detachB(call);
    call.wait = null;
    call.fromQueue = null;
    if (call.cdr) {
      call.cdr.dst = extension;
      call.cdr.lastapp = 'Dial';
    }
    pbx.ringExtension(call, extension);
    return ok(null);
  });
}

// ---------------------------------------------------------------- barge, monitor, whisper

/** The supervisor's phone rings, answers, then joins the call `dest` is talking in. */
export function supervise(pbx: Pbx, mode: SpyMode, extension: string, dest: string): Outcome {
  return pbx.act(() => {
    if (extension === dest) return invalid('extension and dest are the same');
    if (!pbx.extensions.has(extension)) return invalid(`unknown extension ${extension}`);
    if (!pbx.extensions.has(dest)) return invalid(`unknown extension ${dest}`);
    if (!pbx.isRegistered(extension)) return failed(`extension ${extension} is not registered`);
    const call = pbx.talkingChannel(dest)?.call ?? null;
    if (call === null) return failed(`extension ${dest} is not in a call`);
    if (call.spies.some((s) => s.channel.number === extension)) return failed(`${extension} already supervises this call`);
    pbx.originate(extension, (agent) => {
      const current = pbx.talkingChannel(dest)?.call ?? null;
      if (current === null) return false;
      current.spies.push({ channel: agent, mode, target: dest });
      agent.call = current;
      return true;
    });
    return ok(null);
  });
}

