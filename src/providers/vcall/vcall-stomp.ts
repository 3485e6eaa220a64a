import { Client, ReconnectionTimeMode, type IFrame, type IMessage } from '@stomp/stompjs';

/**
 * v-call's event transport: STOMP over WebSocket to the platform's RabbitMQ (the agent SDK's `url`,
 * `connectAccount` / `connectPassword`, `host` = virtual host, `subscribePath`). The only module of
 * the provider that knows STOMP; the session sees message bodies and connection statuses.
 *
 * Delivery: the subscription acknowledges each message only after `onMessage` resolves (the session
 * has persisted what it applied), so a message whose handling was cut short by the service worker
 * being killed is delivered again; the session drops what it has already applied.
 */

export interface VcallStreamConfig {
  /** ws:// or wss:// URL of the broker's STOMP endpoint (RabbitMQ web-stomp: …/ws). */
  url: string;
  login: string;
  passcode: string;
  /** Virtual host (the SDK's `host`). */
  vhost: string;
  /** The SDK's `subscribePath`: the destination the agent's events arrive on. */
  destination: string;
  /** STOMP heart-beat both ways (the SDK's `pingInterval`, 10 s). */
  heartbeatMs: number;
  /** Consecutive failed connections before giving up (the SDK's `maxReconnect`, 10); a success resets the count. */
  maxReconnect: number;
}

export type StreamStatus =
  | { kind: 'connecting'; attempt: number; max: number }
  /** Subscribed. `reconnected`: after a drop (the session then asks the platform to restore its state). */
  | { kind: 'connected'; reconnected: boolean }
  /** The connection failed or dropped; attempt `attempt` of `max` is next. */
  | { kind: 'retrying'; attempt: number; max: number; error: string }
  /**
   * No more tries until the stream is opened again: `max` consecutive attempts failed, or the broker
   * refused the account (`refused`: a wrong connectAccount / connectPassword / vhost, which retrying cannot mend).
   */
  | { kind: 'failed'; error: string; refused?: boolean };

export interface VcallStreamHandlers {
  /** One MESSAGE body (one event object). Acknowledged once the promise resolves; a rejection leaves it for redelivery. */
  onMessage(body: string): Promise<void>;
  onStatus(status: StreamStatus): void;
}

export interface VcallStream {
  close(): void;
}

export type OpenVcallStream = (config: VcallStreamConfig, handlers: VcallStreamHandlers) => VcallStream;

/**
 * First retry after a drop or failure; doubles up to RETRY_MAX_MS (1, 2, 4, 4 … s). The document gives
 * only the count (maxReconnect, seed 3863), not the pace. With a 10 s cap the stream came back up to 9 s
 * after a restarted broker did (tries at 1, 3, 7, 15 s against 6-8 s of restart): the toolbar showed a
 * call the platform had ended for that long. 4 s: back within 4 s of the broker, and 10 tries still
 * outlast 35 s of outage (then the banner asks the agent to log in again).
 */
const RETRY_FIRST_MS = 1000;
export const RETRY_MAX_MS = 4000;
/** The SDK's request timeout (`timeout`, 5 s): a CONNECT not answered by then is a failed attempt. */
const CONNECT_TIMEOUT_MS = 5000;
/** Messages the broker may have outstanding before acknowledgements (they are handled one at a time). */
const PREFETCH = 50;

type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocket;

/** The stream on the service worker's own WebSocket. */
export const openVcallStream: OpenVcallStream = (config, handlers) => openVcallStreamWith(globalThis.WebSocket)(config, handlers);

/**
 * The stream on a given WebSocket implementation (Node's `ws` in tests). Messages are handled one at a
 * time, in order; one whose handling fails is not acknowledged and the connection is renewed, so the
 * broker delivers it (and the ones after it) again, in order.
 */
export function openVcallStreamWith(WebSocketImpl: WebSocketConstructor): OpenVcallStream {
  return (config, handlers) => {
    let failures = 0;
    let everConnected = false;
    let connectedNow = false;
    let closed = false;
    let refused: string | null = null;
    let chain: Promise<void> = Promise.resolve();
    /** Bumped on every connection: handling left over from an older one must not ack on the new one. */
    let generation = 0;

    const client = new Client({
      webSocketFactory: () => new WebSocketImpl(config.url, ['v12.stomp', 'v11.stomp']),
      connectHeaders: { login: config.login, passcode: config.passcode, host: config.vhost },
      heartbeatIncoming: config.heartbeatMs,
      heartbeatOutgoing: config.heartbeatMs,
      connectionTimeout: CONNECT_TIMEOUT_MS,
      reconnectDelay: RETRY_FIRST_MS,
      maxReconnectDelay: RETRY_MAX_MS,
      reconnectTimeMode: ReconnectionTimeMode.EXPONENTIAL,
      debug: () => undefined,
    });

    client.onConnect = () => {
      generation++;
      const mine = generation;
      failures = 0;
      connectedNow = true;
      chain = Promise.resolve();
      client.subscribe(
        config.destination,
        (message: IMessage) => {
          chain = chain.then(() => handle(message, mine));
        },
        { ack: 'client-individual', 'prefetch-count': String(PREFETCH) },
      );
      handlers.onStatus({ kind: 'connected', reconnected: everConnected });
      everConnected = true;
    };

    async function handle(message: IMessage, mine: number): Promise<void> {
      if (closed || mine !== generation) return;
      try {
        await handlers.onMessage(message.body);
      } catch {
        // Not acknowledged: renew the connection so that the broker hands it out again, in order.
        if (mine === generation && client.connected) {
          generation++;
          client.forceDisconnect();
        }
        return;
      }
      if (mine === generation && client.connected) message.ack();
    }

    /** The broker's last ERROR frame: the reason the next close reports. */
    let brokerError: string | null = null;
    client.onStompError = (frame: IFrame) => {
      const text = `${frame.headers.message ?? 'ERROR'}${frame.body ? `: ${frame.body.trim().slice(0, 300)}` : ''}`;
      brokerError = text;
      // RabbitMQ answers a wrong login, passcode or vhost with "Bad CONNECT" / "Access refused" or "not_allowed".
      if (!connectedNow && /access refused|access denied|not_allowed|login|virtual host|vhost/i.test(text) && refused === null) {
        refused = text;
        handlers.onStatus({ kind: 'failed', error: text, refused: true });
        void client.deactivate();
      }
    };

    client.onWebSocketClose = (event: CloseEvent) => {
      if (closed) return;
      const wasConnected = connectedNow;
      connectedNow = false;
      generation++;
      if (refused !== null) return;
      failures = wasConnected ? 1 : failures + 1;
      const error = brokerError ?? (event?.reason || `connection closed (${event?.code ?? 'no code'})`);
      brokerError = null;
      if (failures > config.maxReconnect) {
        handlers.onStatus({ kind: 'failed', error });
        void client.deactivate();
        return;
      }
      handlers.onStatus({ kind: 'retrying', attempt: failures, max: config.maxReconnect, error });
    };

    handlers.onStatus({ kind: 'connecting', attempt: 0, max: config.maxReconnect });
    client.activate();

    return {
      close() {
        if (closed) return;
        closed = true;
        generation++;
        void client.deactivate();
      },
    };
  };
}
