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
  /** `max` consecutive attempts failed: no more tries until the stream is opened again. */
  | { kind: 'failed'; error: string };

export interface VcallStreamHandlers {
  /** One MESSAGE body (one event object). Acknowledged once the promise resolves; a rejection leaves it for redelivery. */
  onMessage(body: string): Promise<void>;
  onStatus(status: StreamStatus): void;
}

export interface VcallStream {
  close(): void;
}

export type OpenVcallStream = (config: VcallStreamConfig, handlers: VcallStreamHandlers) => VcallStream;
