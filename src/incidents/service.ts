import { DateTime } from "luxon";
import type { Statement } from "better-sqlite3";
import type { Db } from "../store/db.js";
import { isInFuture, type Clock } from "../time/clock.js";
import type { RulePack } from "../rules/pack.js";
import { classify, deadlineBasis, deadlineFrom, reportabilityFacts, type Classification } from "../rules/classify.js";
import { assertConsistent } from "../rules/conflicts.js";
import type { FactValue, Facts } from "../rules/facts.js";
import { appendEvent, eventsOf, type TimelineEvent } from "./timeline.js";
import { replan } from "../countdown/schedule.js";
import { enqueueCardRefresh } from "../countdown/outbox-store.js";
import type {
  Assessment,
  Development,
  Incident,
  IncidentSnapshot,
  IncidentStatus,
  ReportClock,
  ReportName,
  Reportability,
  RoleName,
  Submission,
  SubmissionKind,
} from "./model.js";

/** A refusal the user should read: the command layer shows its message as is. */
export class IncidentError extends Error {}

/**
 * Why a time cannot be recorded for an incident (a filing, the end of handling): it must lie
 * between awareness and now. Undefined when it can. Forms show it on their field.
 */
export function timeProblem(clock: Clock, pack: RulePack, incident: Incident, at: DateTime, what: string): string | undefined {
  if (isInFuture(clock, at)) return `The ${what} cannot be in the future (${at.toISO()}).`;
  if (at.toMillis() < DateTime.fromISO(incident.awareAt, { zone: "utc" }).toMillis()) {
    const aware = DateTime.fromISO(incident.awareAt, { zone: "utc" }).setZone(pack.authority_zone).toFormat("yyyy-MM-dd HH:mm");
    return `The ${what} cannot be before the time of awareness (${aware} CST).`;
  }
  return undefined;
}

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
  reportability: Reportability;
  provisional: number;
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
    reportability: r.reportability,
    provisional: r.provisional === 1,
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
  /** A not-reportable assessment the new facts overturned: the clock runs again from awareness. */
  revoked: Assessment | null;
  /** The level changed after the initial report: an update report is now owed. */
  levelChangedAfterFiling: boolean;
}

/**
 * The incident domain: every change is one immediate transaction that writes the state,
 * appends its timeline event, re-plans the countdown and queues the card refresh, so a
 * crash leaves either all of it or none.
 */
export class IncidentService {
  constructor(
    readonly db: Db,
    readonly pack: RulePack,
    readonly clock: Clock,
  ) {}

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


  /**
   * The report clock owed for these facts: none once reportability is settled "no" (by the
   * facts or by an assessment), otherwise the strictest deadline that could still apply.
   */
  reportClock(facts: Facts, classification: Classification, reportability: Reportability): ReportClock | null {
    if (reportability === "not_reportable" || reportability === "assessed_not_reportable") return null;
    const basis = deadlineBasis(this.pack, facts);
    return {
      deadlineAt: iso(deadlineFrom(this.pack, facts.aware_at as string, basis.rule.hours)),
      hours: basis.rule.hours,
      provisional: classification.provisional,
      rule: basis.rule,
      pending: basis.pending,
      reportabilityFacts: classification.reportable === null ? reportabilityFacts(this.pack, facts) : [],
    };
  }

  private activeAssessment(id: number): Assessment | null {
    const r = this.sql("SELECT * FROM assessments WHERE incident_id = ? AND revoked_at IS NULL ORDER BY id DESC LIMIT 1").get(id) as
      | { id: number; verdict: "not_reportable"; reason: string; unknown_facts: string; at: string; actor: string }
      | undefined;
    return r ? { id: r.id, verdict: r.verdict, reason: r.reason, unknownFacts: JSON.parse(r.unknown_facts) as string[], at: r.at, actor: r.actor } : null;
  }

  snapshot(id: number): IncidentSnapshot {
    const incident = this.get(id);
    const facts = this.factsOf(id, incident.awareAt);
    const classification = classify(this.pack, facts);
    const assessment = this.activeAssessment(id);
    const reportability: Reportability =
      classification.reportable === true ? "reportable" : classification.reportable === false ? "not_reportable" : assessment ? "assessed_not_reportable" : "undetermined";
    // The stored columns are a cache for listings; the snapshot always derives them afresh.
    Object.assign(incident, { level: classification.level, reportability, provisional: classification.provisional && reportability !== "assessed_not_reportable" });
    const clock = this.reportClock(facts, classification, reportability);
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
        incomplete_reason: string | null;
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
        incompleteReason: s.incomplete_reason,
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
      assessment,
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
    const snap = this.snapshot(id);
    const { incident, clock } = snap;
    // The 30-day clock runs from the end of handling, for incidents that are reportable.
    const finalDueAt =
      incident.resolvedAt && incident.reportability === "reportable"
        ? iso(DateTime.fromISO(incident.resolvedAt, { zone: "utc" }).plus({ days: this.pack.countdown.post_incident.days }))
        : null;
    incident.finalDueAt = finalDueAt;
    incident.deadlineAt = clock?.deadlineAt ?? null;
    incident.deadlineHours = clock?.hours ?? null;
    incident.updatedAt = iso(now);
    this.sql(
      "UPDATE incidents SET level = ?, reportability = ?, provisional = ?, deadline_at = ?, deadline_hours = ?, final_due_at = ?, updated_at = ? WHERE id = ?",
    ).run(incident.level, incident.reportability, incident.provisional ? 1 : 0, incident.deadlineAt, incident.deadlineHours, finalDueAt, incident.updatedAt, id);
    const reportOwed = incident.status !== "closed" && !snap.initialFiled && clock !== null;
    const finalOwed = incident.status === "resolved" && !snap.finalFiled && finalDueAt !== null;
    replan(this.db, this.pack.countdown, id, {
      now: now.toMillis(),
      report: reportOwed && clock ? { awareAt: ms(incident.awareAt), deadlineAt: ms(clock.deadlineAt) } : undefined,
      postIncident: finalOwed && incident.resolvedAt && finalDueAt ? { resolvedAt: ms(incident.resolvedAt), dueAt: ms(finalDueAt) } : undefined,
    });
    if (incident.channelId) enqueueCardRefresh(this.db, incident, now.toMillis());
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

  /** Times recorded for an incident lie between its awareness and now. */
  private checkWithinIncident(incident: Incident, at: DateTime, what: string): void {
    const problem = timeProblem(this.clock, this.pack, incident, at, what);
    if (problem) throw new IncidentError(problem);
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
    const merged: Facts = { ...current };
    for (const [name, value] of Object.entries(update)) {
      if (value === null) delete merged[name];
      else merged[name] = value;
    }
    // Checked on the facts as they would stand, so a contradiction with a stored fact is caught too.
    assertConsistent(this.pack, merged, Object.keys(update));
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
      const now = iso(this.now());
      let after = classify(this.pack, this.factsOf(id, this.get(id).awareAt));
      let revoked: Assessment | null = null;
      const assessment = this.activeAssessment(id);
      if (assessment && after.reportable === true) {
        // The facts overturn the judgement: the clock runs again, from awareness.
        const reason = `reportable on the facts: ${after.criteria.filter((c) => this.pack.levels.find((l) => l.id === c.level)?.reportable).map((c) => c.id).join(", ")}`;
        this.sql("UPDATE assessments SET revoked_at = ?, revoked_by = ?, revoked_reason = ? WHERE id = ?").run(now, actor, reason, assessment.id);
        this.event(id, actor, "assessment_revoked", { assessment: assessment.id, reason });
        revoked = assessment;
      }
      const levelChangedAfterFiling = before.level !== after.level && this.initialFiled(id);
      if (before.level !== after.level) {
        this.event(id, actor, "level_changed", { from: before.level, to: after.level, criteria: after.criteria.map((c) => c.id) });
      }
      if (levelChangedAfterFiling) {
        // A new level is a significant development: the authority must hear of it in an update report.
        const text = `Level changed after the initial report: ${before.level} → ${after.level}`;
        this.sql("INSERT INTO developments (incident_id, text, at, actor) VALUES (?, ?, ?, ?)").run(id, text, now, actor);
        this.event(id, actor, "development_recorded", { text, automatic: true });
      }
      const snapshot = this.refresh(id);
      after = snapshot.classification;
      return { before, after, changed, snapshot, revoked, levelChangedAfterFiling };
    });
  }

  private initialFiled(id: number): boolean {
    return this.sql("SELECT 1 FROM submissions WHERE incident_id = ? AND kind = 'initial' LIMIT 1").get(id) !== undefined;
  }

  /**
   * Record that the incident is not reportable while facts that could make it so are still
   * unknown. The unknown facts go into the record; a later fact that makes it reportable
   * undoes the assessment.
   */
  assess(id: number, reason: string, actor: string): IncidentSnapshot {
    const why = reason.trim();
    if (!why) throw new IncidentError('Give the reason for the assessment: /incident assess not-reportable --reason "…".');
    return this.tx(() => {
      const snap = this.snapshot(id);
      this.assertOpen(snap.incident, "an assessment");
      if (snap.classification.reportable === true) {
        throw new IncidentError(`Incident #${id} is reportable on its facts (${snap.classification.criteria.map((c) => c.id).join(", ")}); an assessment cannot override that.`);
      }
      if (snap.classification.reportable === false) throw new IncidentError(`Incident #${id} is already not reportable on its facts; no assessment is needed.`);
      if (snap.assessment) throw new IncidentError(`Incident #${id} was already assessed not reportable at ${snap.assessment.at} by ${snap.assessment.actor}.`);
      const unknown = snap.clock?.reportabilityFacts ?? [];
      const at = iso(this.now());
      const info = this
        .sql("INSERT INTO assessments (incident_id, verdict, reason, unknown_facts, at, actor) VALUES (?, 'not_reportable', ?, ?, ?, ?)")
        .run(id, why, JSON.stringify(unknown), at, actor);
      this.event(id, actor, "assessment_recorded", { assessment: Number(info.lastInsertRowid), verdict: "not_reportable", reason: why, unknown_facts: unknown });
      return this.refresh(id);
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
    const known = new Set(defs.flatMap((d) => [d.id, ...(d.ransomware_details ?? []).map((x) => x.id)]));
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
    req: {
      kind: SubmissionKind;
      channel: string;
      reference?: string;
      submittedAt?: DateTime;
      items: string[];
      draft: unknown;
      /** Files an initial report without items 1-2: the reason is recorded. */
      incompleteReason?: string;
      /** Files the post-incident report through another channel than the initial report's. */
      confirmOtherChannel?: boolean;
    },
    actor: string,
  ): { submission: Submission; snapshot: IncidentSnapshot } {
    if (!this.pack.channels.some((c) => c.id === req.channel)) {
      throw new IncidentError(`Unknown submission channel "${req.channel}". Use one of: ${this.pack.channels.map((c) => c.id).join(", ")}.`);
    }
    return this.tx(() => {
      const snap = this.snapshot(id);
      this.assertOpen(snap.incident, "recording a submission");
      const at = req.submittedAt ?? this.now();
      this.checkWithinIncident(snap.incident, at, "filing time");
      if (req.kind !== "initial" && !snap.initialFiled) throw new IncidentError("Record the initial report first.");
      if (req.kind === "final" && snap.incident.status !== "resolved") throw new IncidentError("The post-incident report is filed after the incident is resolved (/incident resolve).");
      const incomplete = req.incompleteReason?.trim() || null;
      if (req.kind === "initial") {
        const empty = this.pack.report_items.filter((i) => i.initial && !snap.items[i.id]?.trim());
        if (empty.length && !incomplete) {
          const numbers = empty.map((i) => i.number).join(" and ");
          throw new IncidentError(
            `The initial report must carry items ${this.pack.report_items.filter((i) => i.initial).map((i) => i.number).join(" and ")} (Article 7); item ${numbers} ${empty.length > 1 ? "are" : "is"} empty. Write ${empty.length > 1 ? "them" : "it"} (/incident report edit), or record why the report went without: --incomplete "reason".`,
          );
        }
      }
      if (req.kind === "final") {
        const original = snap.submissions.find((s) => s.kind === "initial")?.channel;
        if (original && original !== req.channel && !req.confirmOtherChannel) {
          throw new IncidentError(
            `The initial report went through ${original}; the post-incident report goes through the original channel. To record it through ${req.channel} anyway, add --confirm.`,
          );
        }
      }
      const info = this
        .sql(
          `INSERT INTO submissions (incident_id, kind, channel, reference, submitted_at, recorded_by, items, draft, incomplete_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, req.kind, req.channel, req.reference ?? null, iso(at), actor, JSON.stringify(req.items), JSON.stringify(req.draft), incomplete);
      const submissionId = Number(info.lastInsertRowid);
      if (req.kind === "update") {
        this.sql("UPDATE developments SET submission_id = ? WHERE incident_id = ? AND submission_id IS NULL").run(submissionId, id);
      }
      const late = req.kind === "initial" && snap.clock !== null && ms(snap.clock.deadlineAt) < at.toMillis();
      this.event(id, actor, "report_submitted", {
        kind: req.kind,
        channel: req.channel,
        reference: req.reference ?? null,
        submitted_at: iso(at),
        items: req.items,
        late,
        deadline_provisional: req.kind === "initial" && snap.clock ? snap.clock.provisional : null,
        incomplete_reason: incomplete,
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

  /** End of handling: `at` (default now) starts the 30-day clock of the post-incident report. */
  resolve(id: number, actor: string, at?: DateTime): IncidentSnapshot {
    return this.tx(() => {
      const snap = this.snapshot(id);
      const incident = snap.incident;
      if (incident.status !== "open") throw new IncidentError(`Incident #${id} is already ${incident.status}.`);
      const when = at ?? this.now();
      this.checkWithinIncident(incident, when, "time handling ended");
      if (incident.reportability === "undetermined") {
        const unknown = snap.clock?.reportabilityFacts ?? [];
        throw new IncidentError(
          `Whether incident #${id} must be reported is still undetermined: ${unknown.length} fact(s) that could make it reportable are unknown (${unknown.join(", ")}). Enter them (/incident facts) or record an assessment (/incident assess not-reportable --reason "…") before resolving.`,
        );
      }
      this.sql("UPDATE incidents SET status = 'resolved', resolved_at = ? WHERE id = ?").run(iso(when), id);
      const snapshot = this.refresh(id);
      this.event(id, actor, "incident_resolved", { resolved_at: iso(when), final_due_at: snapshot.incident.finalDueAt });
      return snapshot;
    });
  }

  close(id: number, actor: string, reason?: string): IncidentSnapshot {
    return this.tx(() => {
      const snap = this.snapshot(id);
      if (snap.incident.status === "closed") throw new IncidentError(`Incident #${id} is already closed.`);
      if (snap.incident.status !== "resolved") throw new IncidentError(`Resolve incident #${id} first (/incident resolve).`);
      if (snap.incident.reportability === "reportable" && !snap.finalFiled) {
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
