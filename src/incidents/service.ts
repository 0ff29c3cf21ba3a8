import { DateTime } from "luxon";
import type { Statement } from "better-sqlite3";
import type { Db } from "../store/db.js";
import { isInFuture, type Clock } from "../time/clock.js";
import type { RulePack } from "../rules/pack.js";
import { classify, deadlineFrom, provisionalDeadlineRule, reportDeadlineRule, type Classification } from "../rules/classify.js";
import type { FactValue, Facts } from "../rules/facts.js";
import { appendEvent, eventsOf, type TimelineEvent } from "./timeline.js";
import { replan } from "../countdown/schedule.js";
import { enqueueCardRefresh } from "../countdown/outbox-store.js";
import type {
  Development,
  Incident,
  IncidentSnapshot,
  IncidentStatus,
  ReportClock,
  ReportName,
  RoleName,
  Submission,
  SubmissionKind,
} from "./model.js";

/** A refusal the user should read: the command layer shows its message as is. */
export class IncidentError extends Error {}

interface IncidentRow {
  id: number;
  title: string;
  description: string | null;
  status: IncidentStatus;
  platform: string;
  channel_id: string | null;
  channel_name: string | null;
  card_message_id: string | null;
  private: number;
  opened_by: string;
  created_at: string;
  aware_at: string;
  level: string;
  reportable: number;
  classified: number;
  deadline_at: string | null;
  deadline_hours: number | null;
  resolved_at: string | null;
  final_due_at: string | null;
  closed_at: string | null;
  police_reported_at: string | null;
  disclosure_cleared_at: string | null;
  updated_at: string;
}

function toIncident(r: IncidentRow): Incident {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    status: r.status,
    platform: r.platform,
    channelId: r.channel_id,
    channelName: r.channel_name,
    cardMessageId: r.card_message_id,
    private: r.private === 1,
    openedBy: r.opened_by,
    createdAt: r.created_at,
    awareAt: r.aware_at,
    level: r.level,
    reportable: r.reportable === 1,
    classified: r.classified === 1,
    deadlineAt: r.deadline_at,
    deadlineHours: r.deadline_hours,
    resolvedAt: r.resolved_at,
    finalDueAt: r.final_due_at,
    closedAt: r.closed_at,
    policeReportedAt: r.police_reported_at,
    disclosureClearedAt: r.disclosure_cleared_at,
    updatedAt: r.updated_at,
  };
}

const iso = (dt: DateTime): string => dt.toUTC().toISO() as string;
const ms = (isoText: string): number => DateTime.fromISO(isoText, { zone: "utc" }).toMillis();

export interface OpenRequest {
  title: string;
  description?: string;
  actor: string;
  platform: string;
  channelId: string | null;
  channelName: string | null;
  private?: boolean;
  awareAt?: DateTime;
  facts?: Record<string, FactValue | null>;
}

export interface FactsChange {
  before: Classification;
  after: Classification;
  changed: string[];
  snapshot: IncidentSnapshot;
}

/**
 * The incident domain: every change is one immediate transaction that writes the state,
 * appends its timeline event, re-plans the countdown and queues the card refresh, so a
 * crash leaves either all of it or none.
 */
export class IncidentService {
  /** The facts any criterion reads: knowing one of them ends the provisional clock. */
  private readonly classificationFacts: ReadonlySet<string>;

  constructor(
    readonly db: Db,
    readonly pack: RulePack,
    readonly clock: Clock,
  ) {
    this.classificationFacts = new Set(pack.criteria.flatMap((c) => [c.when.fact, ...(c.also ?? []).map((a) => a.fact)]));
  }

  private readonly statements = new Map<string, Statement>();

  /** Prepared once per SQL text: preparing is a large part of a read's cost. */
  private sql(text: string): Statement {
    let st = this.statements.get(text);
    if (!st) {
      st = this.db.prepare(text);
      this.statements.set(text, st);
    }
    return st;
  }

  private now(): DateTime {
    return this.clock.now();
  }

  private tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  private row(id: number): IncidentRow {
    const r = this.sql("SELECT * FROM incidents WHERE id = ?").get(id) as IncidentRow | undefined;
    if (!r) throw new IncidentError(`There is no incident #${id}.`);
    return r;
  }

  get(id: number): Incident {
    return toIncident(this.row(id));
  }

  findByChannel(platform: string, channelId: string): Incident | undefined {
    const r = this.sql("SELECT * FROM incidents WHERE platform = ? AND channel_id = ?").get(platform, channelId) as IncidentRow | undefined;
    return r ? toIncident(r) : undefined;
  }

  list(status?: IncidentStatus): Incident[] {
    const rows = (status
      ? this.sql("SELECT * FROM incidents WHERE status = ? ORDER BY id").all(status)
      : this.sql("SELECT * FROM incidents ORDER BY id").all()) as IncidentRow[];
    return rows.map(toIncident);
  }

  private factsOf(id: number, awareAt: string): Facts {
    const out: Facts = {};
    for (const r of this.sql("SELECT name, value FROM facts WHERE incident_id = ?").all(id) as { name: string; value: string }[]) {
      out[r.name] = JSON.parse(r.value) as FactValue;
    }
    out.aware_at = awareAt;
    return out;
  }


  /** The report clock owed for these facts, or null when none is (classified general). */
  reportClock(facts: Facts, classification: Classification, classified: boolean): ReportClock | null {
    const aware = facts.aware_at as string;
    if (!classified) {
      const rule = provisionalDeadlineRule(this.pack, facts);
      return { deadlineAt: iso(deadlineFrom(this.pack, aware, rule.hours)), hours: rule.hours, provisional: true, rule };
    }
    if (!classification.reportable) return null;
    const rule = reportDeadlineRule(this.pack, facts);
    return { deadlineAt: iso(deadlineFrom(this.pack, aware, rule.hours)), hours: rule.hours, provisional: false, rule };
  }

  snapshot(id: number): IncidentSnapshot {
    const incident = this.get(id);
    const facts = this.factsOf(id, incident.awareAt);
    const classification = classify(this.pack, facts);
    const clock = this.reportClock(facts, classification, incident.classified);
    const roles: Partial<Record<RoleName, string>> = {};
    for (const r of this.sql("SELECT role, user_id FROM roles WHERE incident_id = ?").all(id) as { role: RoleName; user_id: string }[]) {
      roles[r.role] = r.user_id;
    }
    const items: Record<string, string> = {};
    const postItems: Record<string, string> = {};
    for (const r of this.sql("SELECT report, item, value FROM report_items WHERE incident_id = ?").all(id) as {
      report: ReportName;
      item: string;
      value: string;
    }[]) {
      (r.report === "incident" ? items : postItems)[r.item] = r.value;
    }
    const submissions = (
      this.sql("SELECT * FROM submissions WHERE incident_id = ? ORDER BY id").all(id) as {
        id: number;
        kind: SubmissionKind;
        channel: string;
        reference: string | null;
        submitted_at: string;
        recorded_by: string;
        items: string;
        draft: string;
      }[]
    ).map(
      (s): Submission => ({
        id: s.id,
        kind: s.kind,
        channel: s.channel,
        reference: s.reference,
        submittedAt: s.submitted_at,
        recordedBy: s.recorded_by,
        items: JSON.parse(s.items) as string[],
        draft: JSON.parse(s.draft) as unknown,
      }),
    );
    const developments = (
      this.sql("SELECT * FROM developments WHERE incident_id = ? ORDER BY id").all(id) as {
        id: number;
        text: string;
        at: string;
        actor: string;
        submission_id: number | null;
      }[]
    ).map((d): Development => ({ id: d.id, text: d.text, at: d.at, actor: d.actor, submissionId: d.submission_id }));

    const itemIds = this.pack.report_items.map((i) => i.id);
    const missingItems = itemIds.filter((i) => !items[i]?.trim());
    const filedItems = new Set(
      submissions.filter((s) => s.kind === "initial" || s.kind === "supplementary").flatMap((s) => s.items),
    );
    const initialFiled = submissions.some((s) => s.kind === "initial");
    return {
      incident,
      facts,
      classification,
      clock,
      roles,
      items,
      postItems,
      submissions,
      developments,
      missingItems,
      initialFiled,
      supplementaryOwed: initialFiled ? itemIds.filter((i) => !filedItems.has(i)) : [],
      updateOwed: developments.some((d) => d.submissionId === null),
      finalFiled: submissions.some((s) => s.kind === "final"),
    };
  }

  timeline(id: number): TimelineEvent[] {
    this.row(id);
    return eventsOf(this.db, id);
  }

  /** Re-derive level, deadline and clocks from the stored facts; re-plan the warnings. */
  private refresh(id: number): IncidentSnapshot {
    const now = this.now();
    // "Classified" is the one stored input the snapshot's clock needs: settle it first, then
    // read the snapshot once and store what it derived (level, deadline) for listings.
    const known = this.classificationFacts;
    const names = this.sql("SELECT name FROM facts WHERE incident_id = ?").pluck().all(id) as string[];
    const classified = names.some((f) => known.has(f));
    this.sql("UPDATE incidents SET classified = ?, updated_at = ? WHERE id = ?").run(classified ? 1 : 0, iso(now), id);
    const snap = this.snapshot(id);
    const { classification, clock } = snap;
    this.sql("UPDATE incidents SET level = ?, reportable = ?, deadline_at = ?, deadline_hours = ? WHERE id = ?").run(
      classification.level,
      classification.reportable ? 1 : 0,
      clock?.deadlineAt ?? null,
      clock?.hours ?? null,
      id,
    );
    Object.assign(snap.incident, {
      level: classification.level,
      reportable: classification.reportable,
      deadlineAt: clock?.deadlineAt ?? null,
      deadlineHours: clock?.hours ?? null,
    });
    const reportOwed = snap.incident.status !== "closed" && !snap.initialFiled && clock !== null;
    const finalOwed =
      snap.incident.status === "resolved" && snap.incident.reportable && !snap.finalFiled && snap.incident.finalDueAt !== null;
    replan(this.db, this.pack.countdown, id, {
      now: now.toMillis(),
      report: reportOwed && clock ? { awareAt: ms(snap.incident.awareAt), deadlineAt: ms(clock.deadlineAt) } : undefined,
      postIncident:
        finalOwed && snap.incident.resolvedAt && snap.incident.finalDueAt
          ? { resolvedAt: ms(snap.incident.resolvedAt), dueAt: ms(snap.incident.finalDueAt) }
          : undefined,
    });
    if (snap.incident.channelId) enqueueCardRefresh(this.db, snap.incident, now.toMillis());
    return snap;
  }

  private event(id: number | null, actor: string, type: string, payload: Record<string, unknown> = {}): TimelineEvent {
    return appendEvent(this.db, { incidentId: id, at: iso(this.now()), actor, type, payload });
  }

  private assertOpen(incident: Incident, what: string): void {
    if (incident.status === "closed") throw new IncidentError(`Incident #${incident.id} is closed; ${what} is no longer possible.`);
  }

  private checkNotFuture(at: DateTime, what: string): void {
    if (isInFuture(this.clock, at)) {
      throw new IncidentError(`The ${what} cannot be in the future (${at.toISO()}).`);
    }
  }

  open(req: OpenRequest): IncidentSnapshot {
    const title = req.title.trim();
    if (!title) throw new IncidentError("An incident needs a title.");
    const now = this.now();
    const awareAt = req.awareAt ?? now;
    this.checkNotFuture(awareAt, "time of awareness");
    return this.tx(() => {
      const info = this
        .sql(
          `INSERT INTO incidents (title, description, status, platform, channel_id, channel_name, private, opened_by, created_at, aware_at, level, updated_at)
           VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(title, req.description ?? null, req.platform, req.channelId, req.channelName, req.private ? 1 : 0, req.actor, iso(now), iso(awareAt), "general", iso(now));
      const id = Number(info.lastInsertRowid);
      this.event(id, req.actor, "incident_opened", {
        title,
        description: req.description ?? null,
        aware_at: iso(awareAt),
        channel: req.channelName,
        private: req.private ?? false,
      });
      this
        .sql("INSERT INTO roles (incident_id, role, user_id, assigned_at, assigned_by) VALUES (?, 'commander', ?, ?, ?)")
        .run(id, req.actor, iso(now), req.actor);
      this.event(id, req.actor, "role_assigned", { role: "commander", user: req.actor });
      const facts = { ...(req.facts ?? {}) };
      delete facts.aware_at;
      if (Object.keys(facts).length) this.writeFacts(id, facts, req.actor);
      return this.refresh(id);
    });
  }

  private writeFacts(id: number, update: Record<string, FactValue | null>, actor: string): string[] {
    const now = iso(this.now());
    const current = this.factsOf(id, this.get(id).awareAt);
    const changed: string[] = [];
    for (const [name, value] of Object.entries(update)) {
      if (name === "aware_at") continue;
      const before = current[name] ?? null;
      if (before === value) continue;
      changed.push(name);
      if (value === null) this.sql("DELETE FROM facts WHERE incident_id = ? AND name = ?").run(id, name);
      else
        this
          .sql(
            `INSERT INTO facts (incident_id, name, value, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (incident_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
          )
          .run(id, name, JSON.stringify(value), now, actor);
      this.event(id, actor, "fact_set", { fact: name, from: before, to: value });
    }
    return changed;
  }

  setFacts(id: number, update: Record<string, FactValue | null>, actor: string): FactsChange {
    return this.tx(() => {
      const incident = this.get(id);
      this.assertOpen(incident, "changing facts");
      const before = classify(this.pack, this.factsOf(id, incident.awareAt));
      const changed: string[] = [];
      const aware = update.aware_at;
      if (typeof aware === "string" && aware !== incident.awareAt) {
        const dt = DateTime.fromISO(aware, { zone: "utc" });
        this.checkNotFuture(dt, "time of awareness");
        this.sql("UPDATE incidents SET aware_at = ? WHERE id = ?").run(iso(dt), id);
        this.event(id, actor, "fact_set", { fact: "aware_at", from: incident.awareAt, to: iso(dt) });
        changed.push("aware_at");
      } else if (aware === null) {
        throw new IncidentError("The time of awareness cannot be unknown: the clock runs from it.");
      }
      changed.push(...this.writeFacts(id, update, actor));
      const snapshot = this.refresh(id);
      const after = snapshot.classification;
      if (before.level !== after.level) {
        this.event(id, actor, "level_changed", {
          from: before.level,
          to: after.level,
          criteria: after.criteria.map((c) => c.id),
        });
      }
      return { before, after, changed, snapshot };
    });
  }

  setRole(id: number, role: RoleName, userId: string, actor: string): IncidentSnapshot {
    return this.tx(() => {
      this.assertOpen(this.get(id), "assigning roles");
      this
        .sql(
          `INSERT INTO roles (incident_id, role, user_id, assigned_at, assigned_by) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (incident_id, role) DO UPDATE SET user_id = excluded.user_id, assigned_at = excluded.assigned_at, assigned_by = excluded.assigned_by`,
        )
        .run(id, role, userId, iso(this.now()), actor);
      this.event(id, actor, "role_assigned", { role, user: userId });
      return this.refresh(id);
    });
  }

  setReportItems(id: number, report: ReportName, values: Record<string, string>, actor: string): { changed: string[]; snapshot: IncidentSnapshot } {
    const defs = report === "incident" ? this.pack.report_items : this.pack.post_incident_items;
    const known = new Set(defs.map((d) => d.id));
    for (const k of Object.keys(values)) if (!known.has(k)) throw new IncidentError(`Unknown report item "${k}".`);
    return this.tx(() => {
      this.assertOpen(this.get(id), "editing the report");
      const now = iso(this.now());
      const current = this.snapshot(id);
      const before = report === "incident" ? current.items : current.postItems;
      const changed: string[] = [];
      for (const [item, raw] of Object.entries(values)) {
        const value = raw.trim();
        if ((before[item] ?? "") === value) continue;
        changed.push(item);
        if (!value) this.sql("DELETE FROM report_items WHERE incident_id = ? AND report = ? AND item = ?").run(id, report, item);
        else
          this
            .sql(
              `INSERT INTO report_items (incident_id, report, item, value, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (incident_id, report, item) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
            )
            .run(id, report, item, value, now, actor);
        this.event(id, actor, "report_item_set", { report, item, value });
      }
      return { changed, snapshot: this.refresh(id) };
    });
  }

  /**
   * Record a filed report. The draft as filed is frozen into the timeline, so what was
   * sent can be shown later even if the items are edited afterwards.
   */
  recordSubmission(
    id: number,
    req: { kind: SubmissionKind; channel: string; reference?: string; submittedAt?: DateTime; items: string[]; draft: unknown },
    actor: string,
  ): { submission: Submission; snapshot: IncidentSnapshot } {
    if (!this.pack.channels.some((c) => c.id === req.channel)) {
      throw new IncidentError(`Unknown submission channel "${req.channel}". Use one of: ${this.pack.channels.map((c) => c.id).join(", ")}.`);
    }
    return this.tx(() => {
      const snap = this.snapshot(id);
      this.assertOpen(snap.incident, "recording a submission");
      const at = req.submittedAt ?? this.now();
      this.checkNotFuture(at, "filing time");
      if (req.kind !== "initial" && !snap.initialFiled) throw new IncidentError("Record the initial report first.");
      if (req.kind === "final" && snap.incident.status !== "resolved") throw new IncidentError("The post-incident report is filed after the incident is resolved (/incident resolve).");
      const info = this
        .sql(
          `INSERT INTO submissions (incident_id, kind, channel, reference, submitted_at, recorded_by, items, draft) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, req.kind, req.channel, req.reference ?? null, iso(at), actor, JSON.stringify(req.items), JSON.stringify(req.draft));
      const submissionId = Number(info.lastInsertRowid);
      if (req.kind === "update") {
        this.sql("UPDATE developments SET submission_id = ? WHERE incident_id = ? AND submission_id IS NULL").run(submissionId, id);
      }
      const late = req.kind === "initial" && snap.clock && !snap.clock.provisional && ms(snap.clock.deadlineAt) < at.toMillis();
      this.event(id, actor, "report_submitted", {
        kind: req.kind,
        channel: req.channel,
        reference: req.reference ?? null,
        submitted_at: iso(at),
        items: req.items,
        late: Boolean(late),
        draft: req.draft,
      });
      const snapshot = this.refresh(id);
      return { submission: snapshot.submissions.find((s) => s.id === submissionId) as Submission, snapshot };
    });
  }

  recordDevelopment(id: number, text: string, actor: string): IncidentSnapshot {
    if (!text.trim()) throw new IncidentError("Describe the development: /incident update <text>.");
    return this.tx(() => {
      this.assertOpen(this.get(id), "recording a development");
      this.sql("INSERT INTO developments (incident_id, text, at, actor) VALUES (?, ?, ?, ?)").run(id, text.trim(), iso(this.now()), actor);
      this.event(id, actor, "development_recorded", { text: text.trim() });
      return this.refresh(id);
    });
  }

  recordPoliceReport(id: number, note: string | undefined, actor: string): IncidentSnapshot {
    return this.tx(() => {
      this.assertOpen(this.get(id), "recording a police report");
      this.sql("UPDATE incidents SET police_reported_at = ? WHERE id = ?").run(iso(this.now()), id);
      this.event(id, actor, "police_reported", { note: note ?? null });
      return this.refresh(id);
    });
  }

  /** The publication gate: a recorded decision with the checklist as answered. */
  recordDisclosureDecision(id: number, checklist: Record<string, boolean>, cleared: boolean, note: string | undefined, actor: string): IncidentSnapshot {
    return this.tx(() => {
      this.assertOpen(this.get(id), "a disclosure decision");
      this.sql("UPDATE incidents SET disclosure_cleared_at = ? WHERE id = ?").run(cleared ? iso(this.now()) : null, id);
      this.event(id, actor, cleared ? "disclosure_cleared" : "disclosure_blocked", { checklist, note: note ?? null });
      return this.refresh(id);
    });
  }

  resolve(id: number, actor: string): IncidentSnapshot {
    return this.tx(() => {
      const incident = this.get(id);
      if (incident.status !== "open") throw new IncidentError(`Incident #${id} is already ${incident.status}.`);
      const now = this.now();
      const due = now.plus({ days: this.pack.countdown.post_incident.days });
      this
        .sql("UPDATE incidents SET status = 'resolved', resolved_at = ?, final_due_at = ? WHERE id = ?")
        .run(iso(now), incident.reportable ? iso(due) : null, id);
      this.event(id, actor, "incident_resolved", { final_due_at: incident.reportable ? iso(due) : null });
      return this.refresh(id);
    });
  }

  close(id: number, actor: string, reason?: string): IncidentSnapshot {
    return this.tx(() => {
      const snap = this.snapshot(id);
      if (snap.incident.status === "closed") throw new IncidentError(`Incident #${id} is already closed.`);
      if (snap.incident.status !== "resolved") throw new IncidentError(`Resolve incident #${id} first (/incident resolve).`);
      if (snap.incident.reportable && !snap.finalFiled) {
        throw new IncidentError("The post-incident report has not been recorded as filed: /incident submitted <channel> [reference] --kind final.");
      }
      this.sql("UPDATE incidents SET status = 'closed', closed_at = ? WHERE id = ?").run(iso(this.now()), id);
      this.event(id, actor, "incident_closed", { reason: reason ?? null });
      return this.refresh(id);
    });
  }

  /**
   * The war-room channel of an incident recorded under a reserved channel name, once the
   * platform has made it. Where the platform named it differently (a name taken outside
   * warroom), the timeline says so.
   */
  attachChannel(id: number, channel: { id: string; name: string }, actor: string): IncidentSnapshot {
    return this.tx(() => {
      const incident = this.get(id);
      if (incident.channelId) throw new IncidentError(`Incident #${id} already has its channel #${incident.channelName ?? incident.channelId}.`);
      this.sql("UPDATE incidents SET channel_id = ?, channel_name = ? WHERE id = ?").run(channel.id, channel.name, id);
      if (incident.channelName !== channel.name) this.event(id, actor, "channel_renamed", { requested: incident.channelName, channel: channel.name });
      return this.refresh(id);
    });
  }

  setCardMessage(id: number, messageId: string): void {
    // Not an audit event: which chat message shows the card is presentation, not incident state.
    this.sql("UPDATE incidents SET card_message_id = ? WHERE id = ?").run(messageId, id);
  }

  /** Forget delivery keys older than this: platforms stop retrying within minutes. */
  pruneProcessed(olderThanMs: number): number {
    return this.sql("DELETE FROM processed_requests WHERE at < ?").run(this.now().toMillis() - olderThanMs).changes;
  }

  /** Record a delivery key once; false when it was already applied (a platform retry). */
  markProcessed(key: string): boolean {
    const info = this.sql("INSERT OR IGNORE INTO processed_requests (key, at) VALUES (?, ?)").run(key, this.now().toMillis());
    return info.changes === 1;
  }
}
