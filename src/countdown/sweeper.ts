import type { Sql, Store } from "../store/sql.js";
import type { Message } from "../bot/message.js";
import type { IncidentSnapshot } from "../incidents/model.js";
import type { CountdownPolicy } from "./planner.js";
import { nextOverdue, overdueInterval } from "./planner.js";
import { claimDueWarnings, enqueuePost, markWarningQueued, planOverdue } from "../store/repos/countdown.js";
import type { WarningRow } from "./schedule.js";
import { appendEventSql } from "../incidents/timeline.js";

export interface WarningRenderer {
  /** One warning as it falls due. */
  warning(snapshot: IncidentSnapshot, warning: WarningRow, now: number): Message;
  /** Several warnings that fell due while warroom was down, as one message. */
  catchUp(snapshot: IncidentSnapshot, warnings: WarningRow[], now: number): Message;
}

export interface SweepDeps {
  store: Store;
  policy: CountdownPolicy;
  /** The incident as it stands, read inside the sweep's transaction. */
  snapshot(sql: Sql, incidentId: number): Promise<IncidentSnapshot>;
  render: WarningRenderer;
}

export interface SweepResult {
  /** Warnings turned into queued messages. */
  claimed: number;
  messages: number;
}

/** Warnings claimed per transaction; a full batch means there may be more. */
export const SWEEP_BATCH = 500;

/**
 * Claim the warnings that are due and turn them into outbox messages, in one transaction:
 * a crash leaves each warning either pending (claimed again next time) or queued with its
 * message in the outbox (delivered, with its key, exactly once by the adapter). On
 * PostgreSQL the claimed rows stay locked until commit and other replicas skip them.
 *
 * With `catchUp` (the first sweep after a start), everything already due fell due while
 * warroom was down: it is collapsed into one message per incident.
 */
export function sweep(deps: SweepDeps, now: number, options: { catchUp?: boolean; batch?: number } = {}): Promise<SweepResult> {
  const batch = options.batch ?? SWEEP_BATCH;
  return deps.store.tx(async (sql): Promise<SweepResult> => {
    const due = await claimDueWarnings(sql, now, batch);
    if (!due.length) return { claimed: 0, messages: 0 };
    const byIncident = new Map<number, WarningRow[]>();
    for (const w of due) {
      const list = byIncident.get(w.incident_id);
      if (list) list.push(w);
      else byIncident.set(w.incident_id, [w]);
    }
    let messages = 0;
    for (const [incidentId, warnings] of byIncident) {
      const snap = await deps.snapshot(sql, incidentId);
      const channelId = snap.incident.channelId;
      const groups = options.catchUp && warnings.length > 1 ? [warnings] : warnings.map((w) => [w]);
      for (const group of groups) {
        const last = group[group.length - 1] as WarningRow;
        const key = group.length > 1 ? `catchup:${incidentId}:${group.map((w) => w.id).join(",")}` : `warning:${last.id}`;
        const message = group.length > 1 || options.catchUp ? deps.render.catchUp(snap, group, now) : deps.render.warning(snap, last, now);
        if (channelId) {
          await enqueuePost(sql, { key, incidentId, platform: snap.incident.platform, channelId, messageJson: JSON.stringify(message), now });
          messages++;
        }
        for (const w of group) await markWarningQueued(sql, w.id, now, channelId ? key : null);
        await appendEventSql(sql, {
          incidentId,
          at: new Date(now).toISOString(),
          actor: "warroom",
          type: group.length > 1 || options.catchUp ? "countdown_catch_up" : "countdown_warning",
          payload: { clock: last.clock, warnings: group.map((w) => ({ kind: w.kind, due_at: new Date(w.due_at).toISOString() })), message_key: key, posted: Boolean(channelId) },
        });
      }
      // An overdue clock keeps ticking: plan its next tick after now.
      for (const clock of new Set(warnings.filter((w) => w.kind === "overdue" || w.kind === "deadline").map((w) => w.clock))) {
        const deadline = Number(/@(\d+):/.exec((warnings.find((w) => w.clock === clock) as WarningRow).key)?.[1]);
        const next = nextOverdue(clock, deadline, overdueInterval(deps.policy, clock), now);
        await planOverdue(sql, incidentId, clock, next.key, next.dueAt);
      }
    }
    return { claimed: due.length, messages };
  });
}
