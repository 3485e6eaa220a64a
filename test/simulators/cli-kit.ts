/** What the simulators' command lines (`<sim>/cli.ts`) share: flag values and stopping on a signal. */

/** A non-negative integer flag (or any non-negative number with `fractional`); undefined when absent. */
export function toNumber(flag: string, value: string | undefined, fractional = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (!fractional && !Number.isInteger(n))) {
    throw new Error(`${flag} needs a non-negative ${fractional ? 'number' : 'integer'}, got "${value}"`);
  }
  return n;
}

/** A flag whose value must be one of `allowed`; undefined when absent. */
export function toOneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`${flag} must be one of ${allowed.join(', ')}`);
  return value as T;
}

/** Stop the simulator and exit on Ctrl+C / SIGTERM. */
export function stopOnSignal(stop: () => Promise<void>): void {
  const shutdown = (signal: string): void => {
    console.log(`\n${signal}: stopping`);
    void stop().then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}
