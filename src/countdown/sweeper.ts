import type { Db } from "../store/db.js";
import type { Message } from "../bot/message.js";
import type { IncidentSnapshot } from "../incidents/model.js";
import type { CountdownPolicy } from "./planner.js";
import { nextOverdue, overdueInterval } from "./planner.js";
import { enqueuePost } from "./outbox-store.js";
import type { WarningRow } from "./schedule.js";
import { appendEvent } from "../incidents/timeline.js";

export interface WarningRenderer {
  /** One warning as it falls due. */
  warning(snapshot: IncidentSnapshot, warning: WarningRow, now: number): Message;
  /** Several warnings that fell due while warroom was down, as one message. */
  catchUp(snapshot: IncidentSnapshot, warnings: WarningRow[], now: number): Message;
}

export interface SweepDeps {
  db: Db;
  policy: CountdownPolicy;
  snapshot(incidentId: number): IncidentSnapshot;
  render: WarningRenderer;
}

export interface SweepResult {
  /** Warnings turned into queued messages. */
  claimed: number;
  messages: number;
}

const DUE = "SELECT * FROM warnings WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?";

/**
 * Claim the warnings that are due and turn them into outbox messages, in one transaction:
 * a crash leaves each warning either pending (claimed again next time) or queued with its
 * message in the outbox (delivered, with its key, exactly once by the adapter).
 *
 * With `catchUp` (the first sweep after a start), everything already due fell due while
 * warroom was down: it is collapsed into one message per incident.
 */
export function sweep(deps: SweepDeps, now: number, options: { catchUp?: boolean; batch?: number } = {}): SweepResult {
  const { db } = deps;
  const batch = options.batch ?? 500;
  return db
    .transaction((): SweepResult => {
      const due = db.prepare(DUE).all(now, batch) as WarningRow[];
      if (!due.length) return { claimed: 0, messages: 0 };
      const markQueued = db.prepare("UPDATE warnings SET status = 'queued', queued_at = ?, outbox_key = ? WHERE id = ?");
      const insertNext = db.prepare(
        `INSERT INTO warnings (incident_id, clock, kind, key, due_at, status) VALUES (?, ?, 'overdue', ?, ?, 'pending')
         ON CONFLICT (incident_id, key) DO NOTHING`,
      );
      const byIncident = new Map<number, WarningRow[]>();
      for (const w of due) byIncident.set(w.incident_id, [...(byIncident.get(w.incident_id) ?? []), w]);
      let messages = 0;
      for (const [incidentId, warnings] of byIncident) {
        const snap = deps.snapshot(incidentId);
        const channelId = snap.incident.channelId;
        const groups = options.catchUp && warnings.length > 1 ? [warnings] : warnings.map((w) => [w]);
        for (const group of groups) {
          const last = group[group.length - 1] as WarningRow;
          const key = group.length > 1 ? `catchup:${incidentId}:${group.map((w) => w.id).join(",")}` : `warning:${last.id}`;
          const message = group.length > 1 || options.catchUp ? deps.render.catchUp(snap, group, now) : deps.render.warning(snap, last, now);
          if (channelId) {
            enqueuePost(db, { key, incidentId, platform: snap.incident.platform, channelId, message, now });
            messages++;
          }
          for (const w of group) markQueued.run(now, channelId ? key : null, w.id);
          appendEvent(db, {
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
          insertNext.run(incidentId, clock, next.key, next.dueAt);
        }
      }
      return { claimed: due.length, messages };
    })
    .immediate();
}
