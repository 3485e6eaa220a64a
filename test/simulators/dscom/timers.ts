/**
 * Every timer of the PBX goes through here, so reset() can cancel them all and none keeps
 * a test process alive (all are unref'd).
 */
export type Timer = NodeJS.Timeout;

export class Timers {
  private readonly live = new Set<Timer>();

  set(delayMs: number, run: () => void): Timer {
    const timer = setTimeout(() => {
      this.live.delete(timer);
      run();
    }, Math.max(0, delayMs));
    timer.unref();
    this.live.add(timer);
    return timer;
  }

  clear(timer: Timer | null): void {
    if (timer === null) return;
    clearTimeout(timer);
    this.live.delete(timer);
  }

  clearAll(): void {
    for (const timer of this.live) clearTimeout(timer);
    this.live.clear();
  }
}
