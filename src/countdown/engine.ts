import cron, { type ScheduledTask } from "node-cron";
import type { Outbox } from "./outbox.js";
import { SWEEP_BATCH, sweep, type SweepDeps, type SweepResult } from "./sweeper.js";
import type { Clock } from "../time/clock.js";
import type { Logger } from "../bot/core.js";

export interface EngineOptions {
  sweep: SweepDeps;
  outbox: Outbox;
  clock: Clock;
  /** node-cron expression with seconds; every 15 s by default. */
  cronExpression: string;
  log: Logger;
  /** Periodic upkeep (pruning), run on the sweep's schedule at most once an hour. */
  housekeeping?: () => Promise<unknown>;
}

const HOUR = 3_600_000;

/**
 * Runs the countdown: on start it recovers what a previous process left half-done and
 * posts one catch-up message per incident for warnings that fell due while it was down;
 * then node-cron sweeps due warnings and delivers the outbox.
 */
export class CountdownEngine {
  private task: ScheduledTask | undefined;
  private lastHousekeeping = -Infinity;

  constructor(private readonly o: EngineOptions) {}

  /** Recover, catch up, and deliver; call once before `start()` or on its own in tests. */
  async recover(): Promise<SweepResult> {
    await this.o.outbox.recover();
    const result = await sweep(this.o.sweep, this.o.clock.now().toMillis(), { catchUp: true });
    await this.o.outbox.deliver();
    return result;
  }

  /**
   * Everything due now as one catch-up message per incident, as after downtime (a drill's
   * long clock jump): what was missed is summed up, not replayed.
   */
  async catchUp(): Promise<SweepResult> {
    let total: SweepResult = { claimed: 0, messages: 0 };
    for (;;) {
      const r = await sweep(this.o.sweep, this.o.clock.now().toMillis(), { catchUp: true });
      total = { claimed: total.claimed + r.claimed, messages: total.messages + r.messages };
      if (r.claimed < SWEEP_BATCH) break;
    }
    await this.o.outbox.deliver();
    return total;
  }

  /** Sweep what is due now and deliver it. */
  async tick(): Promise<SweepResult> {
    let total: SweepResult = { claimed: 0, messages: 0 };
    // Loop while batches come back full, so a backlog is drained in one tick.
    for (;;) {
      const r = await sweep(this.o.sweep, this.o.clock.now().toMillis());
      total = { claimed: total.claimed + r.claimed, messages: total.messages + r.messages };
      if (r.claimed < SWEEP_BATCH) break;
    }
    await this.o.outbox.deliver();
    const now = this.o.clock.now().toMillis();
    if (this.o.housekeeping && now - this.lastHousekeeping >= HOUR) {
      this.lastHousekeeping = now;
      await this.o.housekeeping();
    }
    return total;
  }

  async start(): Promise<void> {
    await this.recover();
    this.task = cron.schedule(
      this.o.cronExpression,
      async () => {
        try {
          await this.tick();
        } catch (err) {
          this.o.log.error(`countdown sweep failed (retried next tick): ${(err as Error).message}`);
        }
      },
      { noOverlap: true, name: "warroom-countdown" },
    );
  }

  async stop(): Promise<void> {
    await this.task?.destroy();
    this.task = undefined;
  }
}
