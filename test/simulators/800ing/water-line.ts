/**
 * The account's message store behind getLongWaterLine and recvMsg. Messages are kept (a poll
 * does not consume them); each gets a water line = server time in ms, bumped by 1 when it
 * would not be strictly greater than the previous one.
 */
import type { Kind } from './rules.ts';

/** One recvMsg `msgs[]` item, exactly as sent. */
export interface WireMessage {
  /** "1" 去电, "2" 来电 (a string, as in the document). */
  kind: string;
  phone: string;
  /** JSON text: {"status":0,"cdrId":…,"paramvalue":"…"} (paramvalue only when the call has one). */
  content: string;
  /** Unix ms when the message was stored. */
  time: number;
  /** Strictly increasing per message. */
  waterLine: number;
}

interface StoredMessage {
  wire: WireMessage;
  status: number;
  kind: Kind;
}

export interface MessageContent {
  status: number;
  cdrId: number;
  paramvalue?: string;
}

export class MessageStore {
  private readonly stored: StoredMessage[] = [];
  /** The newest message's water line, or the start value when there is none. Never decreases. */
  private last: number;

  constructor(now: number = Date.now()) {
    this.last = now;
  }

  append(kind: Kind, phone: string, content: MessageContent): WireMessage {
    const time = Date.now();
    const waterLine = Math.max(time, this.last + 1);
    this.last = waterLine;
    const wire: WireMessage = { kind: String(kind), phone, content: JSON.stringify(content), time, waterLine };
    this.stored.push({ wire, status: content.status, kind });
    return wire;
  }

  /** What getLongWaterLine returns as `waterline`. */
  get waterLine(): number {
    return this.last;
  }

  /** Messages with waterLine strictly greater than `waterLine`, oldest first, at most `limit`. */
  after(waterLine: number, limit: number): WireMessage[] {
    const out: WireMessage[] = [];
    for (const m of this.stored) {
      if (out.length >= limit) break;
      if (m.wire.waterLine > waterLine) out.push({ ...m.wire });
    }
    return out;
  }

  /** getLongWaterLine `msgs`: the latest call state as JSON text, or "" before any message. */
  latestSummary(): string {
    const latest = this.stored.at(-1);
    if (latest === undefined) return '';
    return JSON.stringify({ status: latest.status, phone: latest.wire.phone, kind: latest.kind });
  }

  get all(): WireMessage[] {
    return this.stored.map((m) => ({ ...m.wire }));
  }

  get size(): number {
    return this.stored.length;
  }

  /** Forgets the messages; the water line keeps its value so it never goes back. */
  clear(): void {
    this.stored.length = 0;
  }
}
