/**
 * The broker harness does what the v-call tests rely on: a STOMP client reaches it on its vhost
 * with its own credentials (and not with wrong ones), messages sent while no one listens wait in
 * a durable queue, and a dropped connection is seen by the client.
 */
import { Client, type IMessage } from '@stomp/stompjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startRabbit, type Rabbit } from './rabbitmq.ts';

let mq: Rabbit;

beforeAll(async () => {
  mq = await startRabbit();
  await mq.addUser('vcall-test', 'agent-mq', 'agent-pw');
}, 60_000);

afterAll(async () => {
  await mq?.stop();
}, 30_000);

interface Peer {
  client: Client;
  received: string[];
  closes: number;
  errors: string[];
}

function connect(login: string, passcode: string, vhost: string, subscribe?: string): Promise<Peer> {
  return new Promise((resolve, reject) => {
    const peer: Peer = { client: undefined as unknown as Client, received: [], closes: 0, errors: [] };
    const client = new Client({
      webSocketFactory: () => new WebSocket(mq.stompUrl, ['v12.stomp']),
      connectHeaders: { login, passcode, host: vhost },
      reconnectDelay: 0,
      heartbeatIncoming: 0,
      heartbeatOutgoing: 0,
      onConnect: () => {
        if (subscribe) {
          client.subscribe(
            subscribe,
            (m: IMessage) => {
              peer.received.push(m.body);
              m.ack();
            },
            { ack: 'client-individual' },
          );
        }
        resolve(peer);
      },
      onStompError: (frame) => {
        peer.errors.push(frame.headers.message ?? 'error');
        reject(new Error(`${frame.headers.message}: ${frame.body}`));
      },
      onWebSocketClose: () => {
        peer.closes++;
      },
    });
    peer.client = client;
    client.activate();
  });
}

async function send(destination: string, body: string): Promise<void> {
  const pub = await connect(mq.admin.login, mq.admin.passcode, 'vcall-test');
  pub.client.publish({ destination, body, headers: { persistent: 'true' } });
  await new Promise((r) => setTimeout(r, 200));
  await pub.client.deactivate();
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('RabbitMQ harness (web-STOMP)', () => {
  it('lets a user in on its vhost, and refuses a wrong password', async () => {
    const ok = await connect('agent-mq', 'agent-pw', 'vcall-test');
    expect(ok.client.connected).toBe(true);
    await ok.client.deactivate();
    await expect(connect('agent-mq', 'wrong', 'vcall-test')).rejects.toThrow(/Bad CONNECT: Access refused for user 'agent-mq'/);
  });

  it('keeps messages sent while no one listens, and delivers them in order when someone subscribes', async () => {
    // The queue exists once someone subscribed (as the agent's client does at login).
    // (A broker restart keeping them: src/providers/vcall/vcall-stomp.test.ts.)
    const first = await connect('agent-mq', 'agent-pw', 'vcall-test', '/queue/vcall.test.1001');
    await first.client.deactivate();
    await send('/queue/vcall.test.1001', '{"event":"one"}');
    await send('/queue/vcall.test.1001', '{"event":"two"}');
    const later = await connect('agent-mq', 'agent-pw', 'vcall-test', '/queue/vcall.test.1001');
    await until(() => later.received.length >= 2);
    expect(later.received).toEqual(['{"event":"one"}', '{"event":"two"}']);
    await later.client.deactivate();
  }, 30_000);

  it('drops every client connection on demand, and refuses new ones while unreachable', async () => {
    const peer = await connect('agent-mq', 'agent-pw', 'vcall-test');
    await mq.dropConnections();
    await until(() => peer.closes > 0);
    expect(peer.closes).toBe(1);
    await peer.client.deactivate();
    mq.setUnreachable(true);
    await expect(Promise.race([connect('agent-mq', 'agent-pw', 'vcall-test'), new Promise((_, no) => setTimeout(() => no(new Error('no connection')), 1500))])).rejects.toThrow('no connection');
    mq.setUnreachable(false);
    const back = await connect('agent-mq', 'agent-pw', 'vcall-test');
    expect(back.client.connected).toBe(true);
    await back.client.deactivate();
  }, 30_000);
});
