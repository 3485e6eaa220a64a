/**
 * The v-call simulator publishing through a real RabbitMQ (web-STOMP), read with @stomp/stompjs
 * the way an agent's client reads it: one JSON event per MESSAGE on the agent's subscribePath,
 * persistent, waiting in the durable queue while no client is connected, surviving a broker
 * restart, and the simulator's outbox holding events while the broker is unreachable.
 * Starts its own broker (stomp 15690, amqp 5690): about 10 s, plus about 10 s per restart.
 */
import { Client, type IMessage } from '@stomp/stompjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startRabbit, type Rabbit } from '../../support/rabbitmq.ts';
import { COMPANY, FAST, Kit, type Json } from './test-kit.ts';
import { VcallSimulator } from './vcall-simulator.ts';

const VHOST = 'vcall-sim-test';
const AGENT_LOGIN = 'vcall-agent';
const AGENT_PASS = 'agent-secret';

let mq: Rabbit;
let sim: VcallSimulator;
let k: Kit;

beforeAll(async () => {
  mq = await startRabbit({ stompPort: 15690, amqpPort: 5690 });
  await mq.addUser(VHOST, AGENT_LOGIN, AGENT_PASS);
  sim = new VcallSimulator({
    ...FAST,
    outboxRetryMs: 100,
    stomp: { url: mq.stompUrl, login: mq.admin.login, passcode: mq.admin.passcode, vhost: VHOST, reconnectDelayMs: 200 },
  });
  await sim.start();
  k = new Kit(sim);
}, 90_000);

afterAll(async () => {
  await sim?.close();
  await mq?.stop();
}, 30_000);

interface Reader {
  client: Client;
  messages: IMessage[];
  bodies: () => Json[];
  stop: () => Promise<void>;
}

/** An agent's client: its own account on the vhost, subscribed with client-individual acks. */
function read(destination: string): Promise<Reader> {
  return new Promise((resolve, reject) => {
    const messages: IMessage[] = [];
    const client = new Client({
      webSocketFactory: () => new WebSocket(mq.stompUrl, ['v12.stomp']),
      connectHeaders: { login: AGENT_LOGIN, passcode: AGENT_PASS, host: VHOST },
      reconnectDelay: 0,
      heartbeatIncoming: 0,
      heartbeatOutgoing: 0,
      debug: () => {},
      onConnect: () => {
        client.subscribe(
          destination,
          (m) => {
            messages.push(m);
            m.ack();
          },
          { ack: 'client-individual' },
        );
        resolve({ client, messages, bodies: () => messages.map((m) => JSON.parse(m.body)), stop: () => client.deactivate() });
      },
      onStompError: (frame) => reject(new Error(frame.headers.message)),
    });
    client.activate();
  });
}

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const queueOf = (agent: string) => `/queue/vcall.${COMPANY}.${agent}`;

describe('events through RabbitMQ', () => {
  it('an event published before the client connects waits in the queue; one persistent JSON event per MESSAGE', async () => {
    await k.login('1001');
    await sim.drained();
    const reader = await read(queueOf('1001'));
    await until(() => reader.messages.length >= 1, 'Login');
    const [message] = reader.messages;
    expect(message!.headers.persistent).toBe('true');
    expect(JSON.parse(message!.body)).toMatchObject({ type: 'event', event: 'Login', nowState: 'Login', agentNumber: '1001' });
    await k.ok('1001', 'idle');
    await k.talk('1001');
    await until(() => reader.bodies().some((e) => e.event === 'Conversation'), 'Conversation');
    expect(reader.bodies().map((e) => e.event)).toEqual(['Login', 'Idle', 'MakeCall', 'AgentRinging', 'AgentAnswer', 'CalledRinging', 'CalledAnswer', 'Conversation']);
    await k.ok('1001', 'cancelCall');
    await until(() => reader.bodies().some((e) => e.event === 'Idle' && e.sequence === 0), 'auto Idle');
    await reader.stop();
  }, 30_000);

  it('a broker restart loses no persistent event waiting in the durable queue', async () => {
    await k.login('1002');
    await k.ok('1002', 'idle');
    await k.ok('1002', 'busy', { busyType: '小休' });
    await sim.drained();
    await mq.restart();
    const reader = await read(queueOf('1002'));
    await until(() => reader.messages.length >= 3, 'three events after the restart');
    expect(reader.bodies().map((e) => e.event)).toEqual(['Login', 'Idle', 'Busy']);
    await reader.stop();
  }, 60_000);

  it('while the broker is unreachable the outbox keeps events, then publishes them in order', async () => {
    const reader = await read(queueOf('1003'));
    mq.setUnreachable(true);
    await k.login('1003');
    await k.ok('1003', 'idle');
    await k.ok('1003', 'busy');
    await k.ok('1003', 'idle');
    await new Promise((r) => setTimeout(r, 300));
    expect(sim.outbox.pending).toBe(4);
    expect(sim.state.outbox).toMatchObject({ pending: 4, lastError: expect.any(String) });
    mq.setUnreachable(false);
    await sim.drained();
    await reader.stop();
    const again = await read(queueOf('1003'));
    await until(() => again.messages.length >= 4, 'the outbox drained');
    expect(again.bodies().map((e) => e.event)).toEqual(['Login', 'Idle', 'Busy', 'Idle']);
    await again.stop();
  }, 60_000);

  it('events raised during a broker restart are published once it is back', async () => {
    await k.login('1009');
    await sim.drained();
    const restarting = mq.restart();
    await k.ok('1009', 'idle');
    await k.ok('1009', 'busy');
    await restarting;
    await sim.drained();
    const reader = await read(queueOf('1009'));
    await until(() => reader.messages.length >= 3, 'Login, Idle, Busy');
    expect(reader.bodies().map((e) => e.event)).toEqual(['Login', 'Idle', 'Busy']);
    await reader.stop();
  }, 60_000);
});
