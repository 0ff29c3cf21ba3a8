import { DateTime } from "luxon";
import type { Sql, Store } from "../store/sql.js";
import * as incidents from "../store/repos/incidents.js";
import * as details from "../store/repos/details.js";
import type { IncidentRow } from "../store/repos/incidents.js";
import { isInFuture, type Clock } from "../time/clock.js";
import type { RulePack } from "../rules/pack.js";
import { classify, type Classification } from "../rules/classify.js";
import { deriveVerdict, judged } from "./verdict.js";
import { assertConsistent } from "../rules/conflicts.js";
import type { FactValue, Facts } from "../rules/facts.js";
import { appendEventSql, eventsOfSql, type TimelineEvent } from "./timeline.js";
import { RuleBook, StoredPackError, type JudgingRules } from "./rulebook.js";
import { loadLegacyPack } from "../rules/pack.js";
import type { RulesIdentity } from "../rules/identity.js";
import type { Message } from "../bot/message.js";
import { enqueuePost } from "../store/repos/countdown.js";
import { replan } from "../countdown/schedule.js";
import { enqueueCard } from "../store/repos/countdown.js";
import type {
  Assessment,
  Development,
  Incident,
  IncidentSnapshot,
  IncidentStatus,
  JudgedState,
  ReportName,
  RoleName,
  Submission,
  SubmissionKind,
} from "./model.js";
import { owedClocks } from "./model.js";

/** The actor of what warroom does on its own (a re-judgement under new rules). */
export const SYSTEM_ACTOR = "warroom";

const iso = (dt: DateTime): string => dt.toUTC().toISO() as string;
const ms = (isoText: string): number => DateTime.fromISO(isoText, { zone: "utc" }).toMillis();

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

/** The verdict in a snapshot, as a rule change records it before and after. */
export function judgedState(snap: IncidentSnapshot): JudgedState {
  return judged({ classification: snap.classification, reportability: snap.incident.reportability, provisional: snap.incident.provisional, clock: snap.clock, finalDueAt: snap.finalDueAt });
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
    rulesSha256: r.rules_sha256,
  };
}


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

/** An open incident re-judged because the rules changed (a new release or a new deployment override). */
export interface RulesChange {
  incidentId: number;
  from: RulesIdentity & { recorded: boolean };
  to: RulesIdentity;
  before: JudgedState;
  after: JudgedState;
  snapshot: IncidentSnapshot;
  /** A not-reportable assessment the new rules overturned. */
  revoked: Assessment | null;
  levelChangedAfterFiling: boolean;
}

/** What the war room is told of a re-judgement, written in the same transaction so it is never lost. */
export type RulesNotice = (change: RulesChange) => Message | undefined;

/** A filing as the checks see it: which report, through which channel, when. */
export interface SubmissionRequest {
  kind: SubmissionKind;
  channel: string;
  submittedAt?: DateTime;
  /** Files an initial report without items 1-2: the reason is recorded. */
  incompleteReason?: string;
  /** Files the post-incident report through another channel than the initial report's. */
  confirmOtherChannel?: boolean;
}

/** A filing to record: the request plus what went out. */
export interface SubmissionRecord extends SubmissionRequest {
  reference?: string;
  items: string[];
  draft: unknown;
}

/**
 * The incident domain: every change is one store transaction that writes the state, appends
 * its timeline event, re-plans the countdown and queues the card refresh, so a crash leaves
 * either all of it or none. The incident's row is locked first, so changes to one incident
 * from several replicas are applied one after another.
 */
export type ActiveIncident = { incident: Incident; snapshot: IncidentSnapshot; problem?: undefined } | { incident: Incident; snapshot?: undefined; problem: string };

export class IncidentService {
  /** The pack this process applies, the packs recorded in the database, and the release before them. */
  readonly rules: RuleBook;

  constructor(
    readonly store: Store,
    readonly pack: RulePack,
    readonly clock: Clock,
    options: { legacyPack?: () => RulePack } = {},
  ) {
    this.rules = new RuleBook(pack, options.legacyPack ?? (() => loadLegacyPack()));
  }

  private now(): DateTime {
    return this.clock.now();
  }

  private async row(sql: Sql, id: number, lock = false): Promise<IncidentRow> {
    const r = lock ? await incidents.lockIncident(sql, id) : await incidents.getIncident(sql, id);
    if (!r) throw new IncidentError(`There is no incident #${id}.`);
    return r;
  }

  get(id: number): Promise<Incident> {
    return this.store.read(async (sql) => toIncident(await this.row(sql, id)));
  }

  findByChannel(platform: string, channelId: string): Promise<Incident | undefined> {
    return this.store.read(async (sql) => {
      const r = await incidents.incidentByChannel(sql, platform, channelId);
      return r ? toIncident(r) : undefined;
    });
  }

  list(status?: IncidentStatus): Promise<Incident[]> {
    return this.store.read(async (sql) => (await incidents.listIncidents(sql, status)).map(toIncident));
  }

  /**
   * Every incident not closed, read in one consistent snapshot (the board). An incident
   * whose stored facts cannot be read is returned with the reason instead of hiding the rest.
   */
  active(): Promise<ActiveIncident[]> {
    return this.store.read(async (sql) => this.activeIn(sql, await incidents.listIncidents(sql)));
  }

  /**
   * Inside a read: the incidents among `ids` that are not closed, snapshotted (an id that is
   * closed or gone is simply absent), for readers that refresh only what changed.
   */
  async activeOf(sql: Sql, ids: number[]): Promise<ActiveIncident[]> {
    return this.activeIn(sql, await incidents.incidentsById(sql, ids));
  }

  private async activeIn(sql: Sql, rows: IncidentRow[]): Promise<ActiveIncident[]> {
    const out: ActiveIncident[] = [];
    for (const row of rows) {
      if (row.status === "closed") continue;
      try {
        out.push({ incident: toIncident(row), snapshot: await this.snapshotIn(sql, row.id) });
      } catch (err) {
        if (!(err instanceof IncidentError)) throw err;
        out.push({ incident: toIncident(row), problem: err.message });
      }
    }
    return out;
  }

  private async factsOf(sql: Sql, id: number, awareAt: string): Promise<Facts> {
    const out: Facts = {};
    for (const r of await details.factsOf(sql, id)) {
      try {
        out[r.name] = JSON.parse(r.value) as FactValue;
      } catch {
        // Never guessed or dropped: a missing fact could relax the clock.
        throw new IncidentError(`Fact ${r.name} of incident #${id} cannot be read: the database was changed outside warroom. Run warroom verify.`);
      }
    }
    out.aware_at = awareAt;
    return out;
  }

  /** The rules the incident is judged under; a pack the database cannot vouch for is refused, never replaced. */
  private async judgingRules(sql: Sql, row: IncidentRow): Promise<JudgingRules> {
    try {
      return await this.rules.judging(sql, row.rules_sha256);
    } catch (err) {
      if (err instanceof StoredPackError) throw new IncidentError(`Incident #${row.id} is judged under rules this warroom cannot use (${err.message}). Run warroom verify.`);
      throw err;
    }
  }

  private async activeAssessment(sql: Sql, id: number): Promise<Assessment | null> {
    const r = await details.activeAssessment(sql, id);
    return r ? { id: r.id, verdict: r.verdict, reason: r.reason, unknownFacts: JSON.parse(r.unknown_facts) as string[], at: r.at, actor: r.actor } : null;
  }

  snapshot(id: number): Promise<IncidentSnapshot> {
    return this.store.read((sql) => this.snapshotIn(sql, id));
  }

  /** The snapshot inside a transaction already open (the countdown's sweep, a change). */
  async snapshotIn(sql: Sql, id: number): Promise<IncidentSnapshot> {
    const row = await this.row(sql, id);
    const incident = toIncident(row);
    const rules = await this.judgingRules(sql, row);
    const pack = rules.pack;
    const facts = await this.factsOf(sql, id, incident.awareAt);
    const assessment = await this.activeAssessment(sql, id);
    const { classification, reportability, provisional, clock, finalDueAt } = deriveVerdict(pack, facts, assessment !== null, incident.resolvedAt);
    // The stored columns are a cache for listings; the snapshot always derives them afresh.
    Object.assign(incident, { level: classification.level, reportability, provisional });
    const roles: Partial<Record<RoleName, string>> = {};
    for (const r of await details.rolesOf(sql, id)) roles[r.role] = r.user_id;
    const items: Record<string, string> = {};
    const postItems: Record<string, string> = {};
    for (const r of await details.reportItemsOf(sql, id)) (r.report === "incident" ? items : postItems)[r.item] = r.value;
    const submissions = (await details.submissionsOf(sql, id)).map(
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
    const developments = (await details.developmentsOf(sql, id)).map(
      (d): Development => ({ id: d.id, text: d.text, at: d.at, actor: d.actor, submissionId: d.submission_id }),
    );

    const missingItems = pack.report_items.filter((i) => !i.optional && !items[i.id]?.trim()).map((i) => i.id);
    const filedItems = new Set(submissions.filter((s) => s.kind === "initial" || s.kind === "supplementary").flatMap((s) => s.items));
    const initialFiled = submissions.some((s) => s.kind === "initial");
    return {
      incident,
      rules,
      facts,
      classification,
      assessment,
      clock,
      finalDueAt,
      roles,
      items,
      postItems,
      submissions,
      developments,
      missingItems,
      initialFiled,
      // Item 8 (anything else) is owed only once something was written in it.
      supplementaryOwed: initialFiled ? pack.report_items.filter((i) => !filedItems.has(i.id) && (!i.optional || items[i.id]?.trim())).map((i) => i.id) : [],
      updateOwed: developments.some((d) => d.submissionId === null),
      finalFiled: submissions.some((s) => s.kind === "final"),
    };
  }

  timeline(id: number): Promise<TimelineEvent[]> {
    return this.store.read(async (sql) => {
      await this.row(sql, id);
      return eventsOfSql(sql, id);
    });
  }

  /**
   * The incident's latest timeline event as `<events>:<hash>`: a document carrying it can be
   * matched to the audit trail (warroom verify --expect-head), and any later change shows.
   */
  async integrityOf(id: number): Promise<{ events: number; hash: string } | undefined> {
    const last = (await this.timeline(id)).at(-1);
    return last ? { events: last.seq, hash: last.hash } : undefined;
  }

  /** Re-derive level, deadline and clocks from the stored facts; re-plan the warnings. */
  private async refresh(sql: Sql, id: number): Promise<IncidentSnapshot> {
    const now = this.now();
    const snap = await this.snapshotIn(sql, id);
    const { incident, clock } = snap;
    const pack = snap.rules.pack;
    const finalDueAt = snap.finalDueAt;
    incident.finalDueAt = finalDueAt;
    incident.deadlineAt = clock?.deadlineAt ?? null;
    incident.deadlineHours = clock?.hours ?? null;
    incident.updatedAt = iso(now);
    await incidents.storeDerived(sql, id, {
      level: incident.level,
      reportability: incident.reportability,
      provisional: incident.provisional,
      deadlineAt: incident.deadlineAt,
      deadlineHours: incident.deadlineHours,
      finalDueAt,
      updatedAt: incident.updatedAt,
    });
    const owed = owedClocks(snap);
    await replan(sql, pack.countdown, id, {
      now: now.toMillis(),
      report: owed.report && clock ? { awareAt: ms(incident.awareAt), deadlineAt: ms(clock.deadlineAt) } : undefined,
      postIncident: owed.final && incident.resolvedAt && finalDueAt ? { resolvedAt: ms(incident.resolvedAt), dueAt: ms(finalDueAt) } : undefined,
    });
    if (incident.channelId) await enqueueCard(sql, incident.id, incident.platform, incident.channelId, now.toMillis());
    return snap;
  }

  private event(sql: Sql, id: number | null, actor: string, type: string, payload: Record<string, unknown> = {}): Promise<TimelineEvent> {
    return appendEventSql(sql, { incidentId: id, at: iso(this.now()), actor, type, payload });
  }

  private assertOpen(incident: { id: number; status: IncidentStatus }, what: string): void {
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

  /**
   * Open an incident. With `reserveName`, its war room's name is reserved in the same
   * transaction: `reserveName`, else `-2`, `-3` …, the first no incident of the platform holds,
   * so two processes never pick the same name and a channel is only made for a recorded incident.
   */
  open(req: OpenRequest & { reserveName?: string }): Promise<IncidentSnapshot> {
    const title = req.title.trim();
    if (!title) return Promise.reject(new IncidentError("An incident needs a title."));
    const now = this.now();
    const awareAt = req.awareAt ?? now;
    this.checkNotFuture(awareAt, "time of awareness");
    return this.withRulesRecorded(async (sql) => {
      // The pack that judges the incident is in the database before anything names it.
      const rules = await this.rules.record(sql, this.pack, iso(now));
      let channelName = req.channelName;
      if (req.reserveName !== undefined) {
        const taken = await incidents.takenChannelNames(sql, req.platform, req.reserveName);
        for (let n = 1; ; n++) {
          channelName = n === 1 ? req.reserveName : `${req.reserveName}-${n}`;
          if (!taken.has(channelName)) break;
        }
      }
      const id = await incidents.insertIncident(sql, {
        title,
        description: req.description ?? null,
        platform: req.platform,
        channelId: req.channelId,
        channelName,
        private: req.private ?? false,
        openedBy: req.actor,
        createdAt: iso(now),
        awareAt: iso(awareAt),
        level: "general",
        rulesSha256: rules.sha256,
      });
      await this.event(sql, id, req.actor, "incident_opened", {
        title,
        description: req.description ?? null,
        aware_at: iso(awareAt),
        channel: channelName,
        private: req.private ?? false,
        // Where the incident lives: verify checks the row's platform and channel against them.
        platform: req.platform,
        channel_id: req.channelId,
        rules: rules.sha256,
      });
      await details.upsertRole(sql, id, "commander", req.actor, iso(now), req.actor);
      await this.event(sql, id, req.actor, "role_assigned", { role: "commander", user: req.actor });
      const facts = { ...(req.facts ?? {}) };
      delete facts.aware_at;
      if (Object.keys(facts).length) await this.writeFacts(sql, id, iso(awareAt), facts, req.actor, this.pack);
      return this.refresh(sql, id);
    });
  }

  /** A transaction that may record the current pack; once it commits, the pack is known to be stored. */
  private async withRulesRecorded<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    const result = await this.store.tx(fn);
    this.rules.markRecorded(this.rules.currentIdentity.sha256);
    return result;
  }

  private async writeFacts(sql: Sql, id: number, awareAt: string, update: Record<string, FactValue | null>, actor: string, pack: RulePack): Promise<string[]> {
    const now = iso(this.now());
    const current = await this.factsOf(sql, id, awareAt);
    const merged: Facts = { ...current };
    for (const [name, value] of Object.entries(update)) {
      if (value === null) delete merged[name];
      else merged[name] = value;
    }
    // Checked on the facts as they would stand, so a contradiction with a stored fact is caught too.
    assertConsistent(pack, merged, Object.keys(update));
    const changed: string[] = [];
    for (const [name, value] of Object.entries(update)) {
      if (name === "aware_at") continue;
      const before = current[name] ?? null;
      if (before === value) continue;
      changed.push(name);
      if (value === null) await details.deleteFact(sql, id, name);
      else await details.upsertFact(sql, id, name, JSON.stringify(value), now, actor);
      await this.event(sql, id, actor, "fact_set", { fact: name, from: before, to: value });
    }
    return changed;
  }

  /**
   * Moving awareness later moves the deadline later: only the commander or the compliance
   * lead may, and never past the moment warroom was told (the incident's opening) nor past a
   * filing or the end of handling already recorded. Earlier is always allowed: it tightens.
   */
  private async checkAwarenessMove(sql: Sql, incident: Incident, to: DateTime, actor: string): Promise<void> {
    if (to.toMillis() <= ms(incident.awareAt)) return;
    const roles = await details.rolesOf(sql, incident.id);
    if (!roles.some((r) => (r.role === "commander" || r.role === "compliance") && r.user_id === actor)) {
      throw new IncidentError("A later time of awareness moves the report deadline later: only the incident's commander or compliance lead may change it that way.");
    }
    const bounds = [
      { at: incident.createdAt, what: "the incident was opened" },
      ...(await details.submissionsOf(sql, incident.id)).map((s) => ({ at: s.submitted_at, what: `the ${s.kind} report was filed` })),
      ...(incident.resolvedAt ? [{ at: incident.resolvedAt, what: "handling ended" }] : []),
    ];
    const first = bounds.sort((a, b) => ms(a.at) - ms(b.at))[0];
    if (first && to.toMillis() > ms(first.at)) {
      const when = DateTime.fromISO(first.at, { zone: "utc" }).setZone(this.pack.authority_zone).toFormat("yyyy-MM-dd HH:mm");
      throw new IncidentError(`The time of awareness cannot be after ${first.what} (${when} CST).`);
    }
  }

  setFacts(id: number, update: Record<string, FactValue | null>, actor: string): Promise<FactsChange> {
    return this.store.tx(async (sql) => {
      const row = await this.row(sql, id, true);
      const incident = toIncident(row);
      this.assertOpen(incident, "changing facts");
      const rules = await this.judgingRules(sql, row);
      const pack = rules.pack;
      const before = classify(pack, await this.factsOf(sql, id, incident.awareAt));
      const changed: string[] = [];
      let awareAt = incident.awareAt;
      const aware = update.aware_at;
      if (typeof aware === "string" && aware !== incident.awareAt) {
        const dt = DateTime.fromISO(aware, { zone: "utc" });
        this.checkNotFuture(dt, "time of awareness");
        await this.checkAwarenessMove(sql, incident, dt, actor);
        awareAt = iso(dt);
        await incidents.setAwareAt(sql, id, awareAt);
        await this.event(sql, id, actor, "fact_set", { fact: "aware_at", from: incident.awareAt, to: awareAt });
        changed.push("aware_at");
      } else if (aware === null) {
        throw new IncidentError("The time of awareness cannot be unknown: the clock runs from it.");
      }
      changed.push(...(await this.writeFacts(sql, id, awareAt, update, actor, pack)));
      const after = classify(pack, await this.factsOf(sql, id, awareAt));
      // The facts overturn a not-reportable judgement: the clock runs again, from awareness.
      const revoked = await this.revokeIfReportable(sql, id, pack, after, actor, "reportable on the facts");
      if (before.level !== after.level) {
        await this.event(sql, id, actor, "level_changed", { from: before.level, to: after.level, criteria: after.criteria.map((c) => c.id), rules: rules.identity.sha256 });
      }
      const levelChangedAfterFiling = await this.updateOwedOnLevelChange(sql, id, before.level, after.level, actor, "Level changed after the initial report");
      const snapshot = await this.refresh(sql, id);
      return { before, after: snapshot.classification, changed, snapshot, revoked, levelChangedAfterFiling };
    });
  }

  /** An active not-reportable assessment is void once the incident is reportable: revoked, with the criteria that make it so. */
  private async revokeIfReportable(sql: Sql, id: number, pack: RulePack, verdict: Classification, actor: string, why: string): Promise<Assessment | null> {
    const assessment = await this.activeAssessment(sql, id);
    if (!assessment || verdict.reportable !== true) return null;
    const reason = `${why}: ${verdict.criteria.filter((c) => pack.levels.find((l) => l.id === c.level)?.reportable).map((c) => c.id).join(", ")}`;
    await details.revokeAssessment(sql, assessment.id, iso(this.now()), actor, reason);
    await this.event(sql, id, actor, "assessment_revoked", { assessment: assessment.id, reason });
    return assessment;
  }

  /** A new level after the initial report is a new important circumstance: the authority hears of it in an update report (Article 7). */
  private async updateOwedOnLevelChange(sql: Sql, id: number, from: string, to: string, actor: string, what: string): Promise<boolean> {
    if (from === to || !(await details.hasInitialSubmission(sql, id))) return false;
    const text = `${what}: ${from} → ${to}`;
    await details.insertDevelopment(sql, id, text, iso(this.now()), actor);
    await this.event(sql, id, actor, "development_recorded", { text, automatic: true });
    return true;
  }

  /**
   * Re-judge every incident not closed that another pack judged (or none recorded) under the
   * pack this process applies, one transaction per incident: the timeline records both packs
   * and the verdict before and after, warnings are re-planned, the card refreshed, and the
   * war room told when the verdict changed. Closed incidents keep the verdict they were judged
   * under. Run at start-up; a second run finds nothing to do.
   */
  async adoptRules(notice?: RulesNotice): Promise<RulesChange[]> {
    const target = this.rules.currentIdentity;
    await this.store.tx((sql) => this.rules.recordLegacy(sql, iso(this.now())));
    const ids = await this.store.read((sql) => incidents.incidentsJudgedOtherwise(sql, target.sha256));
    const changes: RulesChange[] = [];
    for (const id of ids) {
      const change = await this.withRulesRecorded((sql) => this.rejudge(sql, id, notice));
      if (change) changes.push(change);
    }
    return changes;
  }

  private async rejudge(sql: Sql, id: number, notice: RulesNotice | undefined): Promise<RulesChange | undefined> {
    const row = await this.row(sql, id, true);
    const target = this.rules.currentIdentity;
    // Another replica may have got here first.
    if (row.status === "closed" || row.rules_sha256 === target.sha256) return undefined;
    const now = iso(this.now());
    const beforeSnap = await this.snapshotIn(sql, id);
    const old = beforeSnap.rules;
    // The pack that judged it so far goes into the database too, so the event names only stored packs.
    await this.rules.record(sql, old.pack, now);
    await this.rules.record(sql, this.pack, now);
    await incidents.setRules(sql, id, target.sha256);
    const afterSnap = await this.snapshotIn(sql, id);
    const before = judgedState(beforeSnap);
    const after = judgedState(afterSnap);
    await this.event(sql, id, SYSTEM_ACTOR, "rules_rejudged", { from: { ...old.identity, recorded: old.recorded }, to: target, before, after, criteria: afterSnap.classification.criteria.map((c) => c.id) });
    const revoked = await this.revokeIfReportable(sql, id, this.pack, afterSnap.classification, SYSTEM_ACTOR, "reportable under the updated rules");
    const levelChangedAfterFiling = await this.updateOwedOnLevelChange(sql, id, before.level, after.level, SYSTEM_ACTOR, "Level changed under the updated rules, after the initial report");
    const snapshot = await this.refresh(sql, id);
    const change: RulesChange = { incidentId: id, from: { ...old.identity, recorded: old.recorded }, to: target, before, after, snapshot, revoked, levelChangedAfterFiling };
    const message = notice?.(change);
    const { platform, channelId } = snapshot.incident;
    if (message && channelId) {
      await enqueuePost(sql, { key: `rules:${id}:${target.sha256}`, incidentId: id, platform, channelId, messageJson: JSON.stringify(message), now: this.now().toMillis() });
    }
    return change;
  }

  /**
   * Record that the incident is not reportable while facts that could make it so are still
   * unknown. The unknown facts go into the record; a later fact that makes it reportable
   * undoes the assessment.
   */
  assess(id: number, reason: string, actor: string): Promise<IncidentSnapshot> {
    const why = reason.trim();
    if (!why) return Promise.reject(new IncidentError('Give the reason for the assessment: /incident assess not-reportable --reason "…".'));
    return this.store.tx(async (sql) => {
      await this.row(sql, id, true);
      const snap = await this.snapshotIn(sql, id);
      this.assertOpen(snap.incident, "an assessment");
      if (snap.classification.reportable === true) {
        throw new IncidentError(`Incident #${id} is reportable on its facts (${snap.classification.criteria.map((c) => c.id).join(", ")}); an assessment cannot override that.`);
      }
      if (snap.classification.reportable === false) throw new IncidentError(`Incident #${id} is already not reportable on its facts; no assessment is needed.`);
      if (snap.assessment) throw new IncidentError(`Incident #${id} was already assessed not reportable at ${snap.assessment.at} by ${snap.assessment.actor}.`);
      const unknown = snap.clock?.reportabilityFacts ?? [];
      const assessment = await details.insertAssessment(sql, id, why, JSON.stringify(unknown), iso(this.now()), actor);
      await this.event(sql, id, actor, "assessment_recorded", { assessment, verdict: "not_reportable", reason: why, unknown_facts: unknown, rules: snap.rules.identity.sha256 });
      return this.refresh(sql, id);
    });
  }

  setRole(id: number, role: RoleName, userId: string, actor: string): Promise<IncidentSnapshot> {
    return this.store.tx(async (sql) => {
      this.assertOpen(await this.row(sql, id, true), "assigning roles");
      await details.upsertRole(sql, id, role, userId, iso(this.now()), actor);
      await this.event(sql, id, actor, "role_assigned", { role, user: userId });
      return this.refresh(sql, id);
    });
  }

  setReportItems(id: number, report: ReportName, values: Record<string, string>, actor: string): Promise<{ changed: string[]; snapshot: IncidentSnapshot }> {
    const defs = report === "incident" ? this.pack.report_items : this.pack.post_incident_items;
    const known = new Set(defs.flatMap((d) => [d.id, ...(d.ransomware_details ?? []).map((x) => x.id)]));
    for (const k of Object.keys(values)) if (!known.has(k)) return Promise.reject(new IncidentError(`Unknown report item "${k}".`));
    return this.store.tx(async (sql) => {
      this.assertOpen(await this.row(sql, id, true), "editing the report");
      const now = iso(this.now());
      const current = await this.snapshotIn(sql, id);
      const before = report === "incident" ? current.items : current.postItems;
      const changed: string[] = [];
      for (const [item, raw] of Object.entries(values)) {
        const value = raw.trim();
        if ((before[item] ?? "") === value) continue;
        changed.push(item);
        if (!value) await details.deleteReportItem(sql, id, report, item);
        else await details.upsertReportItem(sql, id, report, item, value, now, actor);
        await this.event(sql, id, actor, "report_item_set", { report, item, value });
      }
      return { changed, snapshot: await this.refresh(sql, id) };
    });
  }

  /**
   * Record a filed report. The draft as filed is frozen into the timeline, so what was
   * sent can be shown later even if the items are edited afterwards.
   */
  /**
   * Whether a filing could be recorded now, without recording it: e-mail filing asks before
   * it sends, so that nothing goes to the authority that the timeline would then refuse.
   */
  async assertCanRecord(id: number, req: SubmissionRequest): Promise<void> {
    this.assertChannel(req.channel);
    const snap = await this.snapshot(id);
    this.checkSubmission(snap, req, req.submittedAt ?? this.now());
  }

  private assertChannel(channel: string): void {
    if (!this.pack.channels.some((c) => c.id === channel)) {
      throw new IncidentError(`Unknown submission channel "${channel}". Use one of: ${this.pack.channels.map((c) => c.id).join(", ")}.`);
    }
  }

  /** The checks every filing passes, whatever its channel; returns the incompleteness reason to record. */
  private checkSubmission(snap: IncidentSnapshot, req: SubmissionRequest, at: DateTime): string | null {
    const incomplete = req.incompleteReason?.trim() || null;
    this.assertOpen(snap.incident, "recording a submission");
    this.checkWithinIncident(snap.incident, at, "filing time");
    if (req.kind !== "initial" && !snap.initialFiled) throw new IncidentError("Record the initial report first.");
    if (req.kind === "final" && snap.incident.status !== "resolved") throw new IncidentError("The post-incident report is filed after the incident is resolved (/incident resolve).");
    this.checkFilingOrder(snap, req.kind, at);
    if (req.kind === "initial") {
      const items = snap.rules.pack.report_items;
      const empty = items.filter((i) => i.initial && !snap.items[i.id]?.trim());
      if (empty.length && !incomplete) {
        const numbers = empty.map((i) => i.number).join(" and ");
        throw new IncidentError(
          `The initial report must carry items ${items.filter((i) => i.initial).map((i) => i.number).join(" and ")} (Article 7); item ${numbers} ${empty.length > 1 ? "are" : "is"} empty. Write ${empty.length > 1 ? "them" : "it"} (/incident report edit), or record why the report went without: --incomplete "reason".`,
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
    return incomplete;
  }

  /**
   * Reports follow one another: one initial report, later reports not before it, the
   * summary not before handling ended, and a supplementary or update report only while one
   * is owed (a repeated send must not file an empty one).
   */
  private checkFilingOrder(snap: IncidentSnapshot, kind: SubmissionKind, at: DateTime): void {
    const cst = (isoText: string) => DateTime.fromISO(isoText, { zone: "utc" }).setZone(snap.rules.pack.authority_zone).toFormat("yyyy-MM-dd HH:mm");
    const initial = snap.submissions.find((s) => s.kind === "initial");
    if (kind === "initial" && initial) {
      throw new IncidentError(`The initial report was already recorded (filed ${cst(initial.submittedAt)} CST); a later report is a supplementary or update report (--kind).`);
    }
    if (kind !== "initial" && initial && at.toMillis() < ms(initial.submittedAt)) {
      throw new IncidentError(`A ${kind} report cannot be filed before the initial report (${cst(initial.submittedAt)} CST).`);
    }
    if (kind === "final" && snap.incident.resolvedAt && at.toMillis() < ms(snap.incident.resolvedAt)) {
      throw new IncidentError(`The post-incident report cannot be filed before handling ended (${cst(snap.incident.resolvedAt)} CST).`);
    }
    if (kind === "supplementary" && !snap.supplementaryOwed.some((i) => snap.items[i]?.trim())) {
      const numbers = snap.supplementaryOwed.map((i) => snap.rules.pack.report_items.find((r) => r.id === i)?.number ?? i).join(", ");
      throw new IncidentError(
        snap.supplementaryOwed.length
          ? `The supplementary report would be empty: items ${numbers} are still unwritten (/incident report edit).`
          : "No supplementary report is owed: every report item has been filed. Record new developments with /incident update; an update report then follows.",
      );
    }
    if (kind === "update" && !snap.updateOwed) throw new IncidentError("No update report is owed: no development has been recorded since the last one (/incident update <text>).");
  }

  recordSubmission(id: number, req: SubmissionRecord, actor: string): Promise<{ submission: Submission; snapshot: IncidentSnapshot }> {
    try {
      this.assertChannel(req.channel);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.store.tx(async (sql) => {
      await this.row(sql, id, true);
      const snap = await this.snapshotIn(sql, id);
      const at = req.submittedAt ?? this.now();
      const incomplete = this.checkSubmission(snap, req, at);
      const submissionId = await details.insertSubmission(sql, id, {
        kind: req.kind,
        channel: req.channel,
        reference: req.reference ?? null,
        submitted_at: iso(at),
        recorded_by: actor,
        items: JSON.stringify(req.items),
        draft: JSON.stringify(req.draft),
        incomplete_reason: incomplete,
      });
      if (req.kind === "update") await details.attachDevelopments(sql, id, submissionId);
      await this.event(sql, id, actor, "report_submitted", {
        kind: req.kind,
        channel: req.channel,
        reference: req.reference ?? null,
        submitted_at: iso(at),
        items: req.items,
        deadline_provisional: req.kind === "initial" && snap.clock ? snap.clock.provisional : null,
        rules: snap.rules.identity.sha256,
        incomplete_reason: incomplete,
        draft: req.draft,
      });
      const snapshot = await this.refresh(sql, id);
      return { submission: snapshot.submissions.find((s) => s.id === submissionId) as Submission, snapshot };
    });
  }

  recordDevelopment(id: number, text: string, actor: string): Promise<IncidentSnapshot> {
    if (!text.trim()) return Promise.reject(new IncidentError("Describe the development: /incident update <text>."));
    return this.store.tx(async (sql) => {
      this.assertOpen(await this.row(sql, id, true), "recording a development");
      await details.insertDevelopment(sql, id, text.trim(), iso(this.now()), actor);
      await this.event(sql, id, actor, "development_recorded", { text: text.trim() });
      return this.refresh(sql, id);
    });
  }

  recordPoliceReport(id: number, note: string | undefined, actor: string): Promise<IncidentSnapshot> {
    return this.store.tx(async (sql) => {
      this.assertOpen(await this.row(sql, id, true), "recording a police report");
      await incidents.setPoliceReported(sql, id, iso(this.now()));
      await this.event(sql, id, actor, "police_reported", { note: note ?? null });
      return this.refresh(sql, id);
    });
  }

  /** The publication gate: a recorded decision with the checklist as answered. */
  recordDisclosureDecision(id: number, checklist: Record<string, boolean>, cleared: boolean, note: string | undefined, actor: string): Promise<IncidentSnapshot> {
    return this.store.tx(async (sql) => {
      this.assertOpen(await this.row(sql, id, true), "a disclosure decision");
      await incidents.setDisclosureCleared(sql, id, cleared ? iso(this.now()) : null);
      await this.event(sql, id, actor, cleared ? "disclosure_cleared" : "disclosure_blocked", { checklist, note: note ?? null });
      return this.refresh(sql, id);
    });
  }

  /** End of handling: `at` (default now) starts the 30-day clock of the post-incident report. */
  resolve(id: number, actor: string, at?: DateTime): Promise<IncidentSnapshot> {
    return this.store.tx(async (sql) => {
      await this.row(sql, id, true);
      const snap = await this.snapshotIn(sql, id);
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
      await incidents.markResolved(sql, id, iso(when));
      const snapshot = await this.refresh(sql, id);
      await this.event(sql, id, actor, "incident_resolved", { resolved_at: iso(when), final_due_at: snapshot.incident.finalDueAt, rules: snapshot.rules.identity.sha256 });
      return snapshot;
    });
  }

  close(id: number, actor: string, reason?: string): Promise<IncidentSnapshot> {
    return this.store.tx(async (sql) => {
      await this.row(sql, id, true);
      const snap = await this.snapshotIn(sql, id);
      if (snap.incident.status === "closed") throw new IncidentError(`Incident #${id} is already closed.`);
      if (snap.incident.status !== "resolved") throw new IncidentError(`Resolve incident #${id} first (/incident resolve).`);
      if (snap.incident.reportability === "undetermined") {
        throw new IncidentError(
          `Whether incident #${id} must be reported is undetermined again: enter the facts (/incident facts) or record an assessment (/incident assess not-reportable --reason "…") before closing.`,
        );
      }
      if (snap.incident.reportability === "reportable" && !snap.finalFiled) {
        throw new IncidentError("The post-incident report has not been recorded as filed: /incident submitted <channel> [reference] --kind final.");
      }
      this.checkNothingOwed(snap);
      await incidents.markClosed(sql, id, iso(this.now()));
      await this.event(sql, id, actor, "incident_closed", { reason: reason ?? null });
      return this.refresh(sql, id);
    });
  }

  /** Closing ends every clock: the supplementary and update reports still owed must be filed first. */
  private checkNothingOwed(snap: IncidentSnapshot): void {
    if (!snap.initialFiled) return;
    const owed = [
      ...(snap.supplementaryOwed.length ? [`a supplementary report (items ${snap.supplementaryOwed.map((i) => snap.rules.pack.report_items.find((r) => r.id === i)?.number ?? i).join(", ")})`] : []),
      ...(snap.updateOwed ? ["an update report (developments recorded since the last one)"] : []),
    ];
    if (owed.length) throw new IncidentError(`Incident #${snap.incident.id} still owes ${owed.join(" and ")}: record ${owed.length > 1 ? "them" : "it"} as filed (/incident submitted … --kind …) before closing.`);
  }

  /** Link the war room made for an incident recorded under a reserved name. */
  attachChannel(id: number, channel: { id: string; name: string }, actor: string): Promise<IncidentSnapshot> {
    return this.store.tx(async (sql) => {
      const incident = toIncident(await this.row(sql, id, true));
      if (incident.channelId) throw new IncidentError(`Incident #${id} already has its channel #${incident.channelName ?? incident.channelId}.`);
      await incidents.setChannel(sql, id, channel.id, channel.name);
      if (incident.channelName !== channel.name) await this.event(sql, id, actor, "channel_renamed", { requested: incident.channelName, channel: channel.name });
      await this.event(sql, id, actor, "channel_attached", { channel_id: channel.id, channel: channel.name });
      return this.refresh(sql, id);
    });
  }

  async setCardMessage(id: number, messageId: string): Promise<void> {
    // Not an audit event: which chat message shows the card is presentation, not incident state.
    await this.store.tx((sql) => incidents.setCardMessage(sql, id, messageId));
  }

  /** Forget delivery keys older than this: platforms stop retrying within minutes. */
  pruneProcessed(olderThanMs: number): Promise<number> {
    return this.store.tx((sql) => details.pruneProcessed(sql, this.now().toMillis() - olderThanMs));
  }

  /** Record a delivery key once; false when it was already applied (a platform retry). */
  markProcessed(key: string): Promise<boolean> {
    return details.markProcessed(this.store, key, this.now().toMillis());
  }
}
