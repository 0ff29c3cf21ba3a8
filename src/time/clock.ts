import { DateTime } from "luxon";

/** Injected everywhere time matters, so tests and drills run on fake time. */
export interface Clock {
  now(): DateTime;
}

export const systemClock: Clock = { now: () => DateTime.utc() };

/** Clocks of people and machines disagree by seconds: a minute of slack before "future". */
const FUTURE_SLACK_MS = 60_000;

/** A time of awareness or filing later than now is a typing error, not a plan. */
export function isInFuture(clock: Clock, at: { toMillis(): number }): boolean {
  return at.toMillis() > clock.now().toMillis() + FUTURE_SLACK_MS;
}

/** A clock that moves only when told to (tests, drills). */
export class FakeClock implements Clock {
  private current: DateTime;
  constructor(start: DateTime | string) {
    const dt = typeof start === "string" ? DateTime.fromISO(start, { setZone: true }) : start;
    if (!dt.isValid) throw new Error(`invalid clock start: ${String(start)}`);
    this.current = dt.toUTC();
  }
  now(): DateTime {
    return this.current;
  }
  advance(duration: { minutes?: number; hours?: number; days?: number; seconds?: number }): DateTime {
    this.current = this.current.plus(duration);
    return this.current;
  }
  set(to: DateTime): void {
    this.current = to.toUTC();
  }
}
