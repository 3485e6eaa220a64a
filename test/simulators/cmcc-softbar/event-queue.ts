import type { EventName } from './call-model.ts';

/** One event as the bar returns it (the `result: 1` flag is added when replying). */
export interface SoftbarEvent {
  eventName: EventName;
  eventTime: string;
  thisParty: string;
  otherParty: string;
  ani: string;
  dnis: string;
  reserve: string;
}

/** A queued event and the call it belongs to (the simulator's own id, null for line events). */
export interface QueuedEvent {
  event: SoftbarEvent;
  callId: number | null;
}

/**
 * The bar's event buffer: polling removes what it returns, so each event is delivered
 * exactly once, oldest first.
 */
export class EventQueue {
  private items: QueuedEvent[] = [];

  push(event: SoftbarEvent, callId: number | null = null): void {
    this.items.push({ event, callId });
  }

  /** Removes and returns up to `max` of the oldest events. */
  take(max: number): QueuedEvent[] {
    return this.items.splice(0, max);
  }

  get size(): number {
    return this.items.length;
  }

  clear(): void {
    this.items = [];
  }
}

/** `yyyy-MM-dd HH:mm:ss` in local time, the format the document shows for eventTime. */
export function formatEventTime(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return `${day} ${time}`;
}

/** The document's `k1-v1|k2-v2` format; undefined values are left out. */
export function formatReserve(pairs: Record<string, string | number | undefined>): string {
  return Object.entries(pairs)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${key}-${value}`)
    .join('|');
}
