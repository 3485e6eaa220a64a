/**
 * The v-call event stream against a real RabbitMQ (test/support/rabbitmq.ts): what the agent would
 * notice — events arrive in order and once, none is lost when handling fails or the connection drops,
 * reconnects are counted as the banner shows them, a wrong account stops at once. It is also the broker
 * harness's test: a user on its own vhost, a refused passcode, durable queues and persistent messages
 * across a restart, the relay's drops and refusals, the platform's URL that bypasses them.
 */
import { Client } from '@stomp/stompjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startRabbit, type Rabbit } from '../../../test/support/rabbitmq.ts';
import { openVcallStreamWith, type StreamStatus, type VcallStreamConfig } from './vcall-stomp.ts';

const open = openVcallStreamWith(WebSocket as unknown as new (url: string, protocols?: string | string[]) => globalThis.WebSocket);
let mq: Rabbit;
let queueNo = 0;

beforeAll(async () => {
  mq = await startRabbit();
  await mq.addUser('vcall', 'agent-mq', 'agent-pw');
}, 60_000);

afterAll(async () => {
  await mq?.stop();
}, 30_000);

function config(overrides: Partial<VcallStreamConfig> = {}): VcallStreamConfig {
  queueNo++;
  return {
    url: mq.stompUrl,
    login: 'agent-mq',
    passcode: 'agent-pw',
    vhost: 'vcall',
    destination: `/queue/vcall.stream-test.${queueNo}`,
    heartbeatMs: 10_000,
    maxReconnect: 10,
    ...overrides,
  };
}

/** The platform's side: publishes persistent messages as the simulator does. */
async function publish(destination: string, bodies: string[]): Promise<void> {
  const client = new Client({
    webSocketFactory: () => new WebSocket(mq.platformUrl, ['v12.stomp']),
    connectHeaders: { login: mq.admin.login, passcode: mq.admin.passcode, host: 'vcall' },
    reconnectDelay: 0,
  });
  await new Promise<void>((resolve, reject) => {
    client.onConnect = () => resolve();
    client.onStompError = (f) => reject(new Error(f.headers.message));
    client.activate();
  });
  for (const body of bodies) {
    await new Promise<void>((resolve) => {
      const receipt = `r-${Math.random()}`;
      client.watchForReceipt(receipt, () => resolve());
      client.publish({ destination, body, headers: { persistent: 'true', receipt } });
    });
  }
  await client.deactivate();
}

async function until(check: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function recorder() {
  const statuses: StreamStatus[] = [];
  const got: string[] = [];
  return { statuses, got, connected: () => statuses.filter((s) => s.kind === 'connected').length };
}

describe('v-call event stream (STOMP on RabbitMQ)', () => {
  it('delivers the events in order, and ones sent while the agent was away when it comes back', async () => {
    const cfg = config();
    const r = recorder();
    const first = open(cfg, { onMessage: async (b) => void r.got.push(b), onStatus: (s) => r.statuses.push(s) });
    await until(() => r.connected() === 1, 10_000, 'connected');
    expect(r.statuses[0]).toEqual({ kind: 'connecting', attempt: 0, max: 10 });
    expect(r.statuses.at(-1)).toEqual({ kind: 'connected', reconnected: false });
    await publish(cfg.destination, ['1', '2', '3']);
    await until(() => r.got.length === 3);
    first.close();
    await publish(cfg.destination, ['4', '5']);
    const again = open(cfg, { onMessage: async (b) => void r.got.push(b), onStatus: (s) => r.statuses.push(s) });
    await until(() => r.got.length === 5);
    expect(r.got).toEqual(['1', '2', '3', '4', '5']);
    again.close();
  }, 30_000);

  it('hands an event whose handling failed out again, in order, and each one is acknowledged once handled', async () => {
    const cfg = config();
    const handled: string[] = [];
    let failOnce = true;
    const stream = open(cfg, {
      onMessage: async (b) => {
        if (b === 'B' && failOnce) {
          failOnce = false;
          throw new Error('storage write failed');
        }
        handled.push(b);
      },
      onStatus: () => undefined,
    });
    await publish(cfg.destination, ['A', 'B', 'C']);
    await until(() => handled.length >= 3, 15_000, 'A, B, C handled');
    // Nothing was acknowledged twice or left behind: a new consumer finds the queue empty.
    stream.close();
    expect(handled).toEqual(['A', 'B', 'C']);
    const late: string[] = [];
    const check = open(cfg, { onMessage: async (b) => void late.push(b), onStatus: () => undefined });
    await new Promise((r) => setTimeout(r, 1500));
    expect(late).toEqual([]);
    check.close();
  }, 30_000);

  it('counts reconnects after a network drop and says it reconnected; events sent meanwhile arrive', async () => {
    const cfg = config();
    const r = recorder();
    const stream = open(cfg, { onMessage: async (b) => void r.got.push(b), onStatus: (s) => r.statuses.push(s) });
    await until(() => r.connected() === 1);
    mq.setUnreachable(true);
    await until(() => r.statuses.some((s) => s.kind === 'retrying' && s.attempt === 2), 10_000, 'second retry');
    await publish(cfg.destination, ['during-drop']);
    mq.setUnreachable(false);
    await until(() => r.connected() === 2, 15_000, 'reconnected');
    await until(() => r.got.includes('during-drop'));
    const retries = r.statuses.filter((s) => s.kind === 'retrying').map((s) => (s.kind === 'retrying' ? s.attempt : 0));
    expect(retries.slice(0, 2)).toEqual([1, 2]);
    expect(r.statuses.at(-1)).toEqual({ kind: 'connected', reconnected: true });
    stream.close();
  }, 40_000);

  it('is back within 5 s of the broker after an outage of 8 s (retries capped at 4 s apart)', async () => {
    const cfg = config();
    const r = recorder();
    const stream = open(cfg, { onMessage: async () => undefined, onStatus: (s) => r.statuses.push(s) });
    await until(() => r.connected() === 1);
    mq.setUnreachable(true);
    await new Promise((resolve) => setTimeout(resolve, 8000));
    mq.setUnreachable(false);
    const back = Date.now();
    await until(() => r.connected() === 2, 15_000, 'reconnected');
    expect(Date.now() - back).toBeLessThan(5000);
    stream.close();
  }, 40_000);

  it('gives up after maxReconnect consecutive failures', async () => {
    const cfg = config({ maxReconnect: 2 });
    const r = recorder();
    mq.setUnreachable(true);
    try {
      const stream = open(cfg, { onMessage: async () => undefined, onStatus: (s) => r.statuses.push(s) });
      await until(() => r.statuses.some((s) => s.kind === 'failed'), 15_000, 'failed');
      expect(r.statuses.map((s) => s.kind)).toEqual(['connecting', 'retrying', 'retrying', 'failed']);
      stream.close();
    } finally {
      mq.setUnreachable(false);
    }
  }, 30_000);

  it('stops at once on a wrong account, with the broker\'s reason', async () => {
    const r = recorder();
    const stream = open(config({ passcode: 'wrong' }), { onMessage: async () => undefined, onStatus: (s) => r.statuses.push(s) });
    await until(() => r.statuses.some((s) => s.kind === 'failed'), 10_000, 'failed');
    const failed = r.statuses.find((s) => s.kind === 'failed');
    expect(failed).toMatchObject({ kind: 'failed', refused: true });
    expect(failed?.kind === 'failed' && failed.error).toMatch(/Access refused/);
    expect(r.statuses.filter((s) => s.kind === 'retrying')).toEqual([]);
    stream.close();
  }, 20_000);

  it('survives a broker restart without losing a persistent event', async () => {
    const cfg = config();
    const r = recorder();
    const stream = open(cfg, { onMessage: async (b) => void r.got.push(b), onStatus: (s) => r.statuses.push(s) });
    await until(() => r.connected() === 1);
    await publish(cfg.destination, ['before']);
    await until(() => r.got.includes('before'));
    await mq.restart();
    await publish(cfg.destination, ['after-restart']);
    await until(() => r.got.includes('after-restart'), 30_000, 'event after restart');
    expect(r.got).toEqual(['before', 'after-restart']);
    expect(r.statuses.some((s) => s.kind === 'connected' && s.reconnected)).toBe(true);
    stream.close();
  }, 60_000);
});
