/**
 * Replay the timeline and cross-check the state it implies against the tables.
 *
 * Every incident is judged under the rule pack its events name (incident_opened, then each
 * rules_rejudged), read from the packs the database holds and checked against the hash they
 * are held under; an incident that names none was judged before packs were recorded, under
 * the pack of that release. So a database stays intact across any number of rule changes.
 *
 * The hash chain proves the timeline was not edited; it says nothing about the tables the
 * application reads (incidents, facts, roles, report_items, submissions, developments,
 * assessments). An edit made there with a SQLite shell changes what warroom shows and counts
 * down, while the chain stays intact. The replay rebuilds each incident from its events,
 * re-derives level, reportability and deadlines from the replayed facts and assessments under
 * the rule pack its events name, and names every place where a table disagrees.
 *
 * Event types are a table of handlers: a new type is one entry in EVENT_HANDLERS (its payload
 * schema and what it does to the replayed incident), plus, when it is stored somewhere new,
 * one entry in TABLE_CHECKS. Types the application records but that carry no incident state
 * (level_changed, countdown warnings) have a handler that does nothing.
 *
 * An event type missing from the table is reported, never thrown: the replay cannot vouch
 * for the state of an incident with an event it does not understand (written by a newer
 * warroom, or forged), so `verify` must not call that incident intact. Events that belong
 * to no incident carry no incident state and are skipped.
 */
import { z } from "zod";
import type { Sql } from "../store/sql.js";
import type { RulePack } from "../rules/pack.js";
import type { FactValue, Facts } from "../rules/facts.js";
import { rulesIdentity } from "../rules/identity.js";
import { allEventsIn, type TimelineEvent } from "./timeline.js";
import { warningsCheck } from "./replay-warnings.js";
import { echo } from "../limits.js";
import { deriveVerdict, judged, type Verdict } from "./verdict.js";
import { readStoredPack, StoredPackError } from "./rulebook.js";
import { allPacks, legacyPackRow } from "../store/repos/rules.js";
import type { IncidentStatus, JudgedState } from "./model.js";

export interface ReplayedSubmission {
  seq: number;
  kind: string;
  channel: string;
  reference: string | null;
  submittedAt: string;
  recordedBy: string;
  items: string[];
  incompleteReason: string | null;
  draft: unknown;
}

export interface ReplayedAssessment {
  seq: number;
  /** The assessments row the event names. */
  id: number | null;
  verdict: string;
  reason: string;
  unknownFacts: string[];
  at: string;
  actor: string;
  revoked: { at: string; by: string; reason: string } | null;
}

export interface ReplayedDevelopment {
  seq: number;
  text: string;
  at: string;
  actor: string;
  /** Index into submissions of the update report that covered it. */
  coveredBy: number | null;
}

/** An incident as its events describe it. */
export interface ReplayedIncident {
  id: number;
  /** Seq of incident_opened; 0 until seen. */
  openedSeq: number;
  title: string;
  description: string | null;
  channelName: string | null;
  private: boolean;
  openedBy: string;
  openedAt: string;
  awareAt: string;
  status: IncidentStatus;
  resolvedAt: string | null;
  closedAt: string | null;
  policeReportedAt: string | null;
  disclosureClearedAt: string | null;
  /** The rule pack the events say judges it now; null: one judged before packs were recorded. */
  rulesSha: string | null;
  facts: Map<string, { value: FactValue; by: string }>;
  roles: Map<string, { user: string; by: string }>;
  /** Keyed `${report}/${item}`. */
  items: Map<string, { value: string; by: string }>;
  submissions: ReplayedSubmission[];
  developments: ReplayedDevelopment[];
  assessments: ReplayedAssessment[];
  /** State of event types added later, by whatever key their handler chooses. */
  extra: Record<string, unknown>;
}

/** One disagreement, or one event the replay could not use. */
export interface Finding {
  incidentId: number | null;
  /** The event concerned, when there is one. */
  seq?: number;
  what: string;
  expected?: unknown;
  found?: unknown;
}

export interface EventHandler {
  payload: z.ZodType;
  /** Apply the event to the replayed incident; a returned string is a finding. */
  apply(state: ReplayedIncident, payload: never, event: TimelineEvent): string | void;
}

export function on<S extends z.ZodType>(payload: S, apply: (state: ReplayedIncident, payload: z.infer<S>, event: TimelineEvent) => string | void): EventHandler {
  return { payload, apply: apply as EventHandler["apply"] };
}

const nothing = on(z.unknown(), () => undefined);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, "not a SHA-256");
const identity = z.object({ id: z.string(), version: z.string(), sha256 });
const judgedState = z.object({
  level: z.string(),
  reportability: z.string(),
  provisional: z.boolean(),
  deadline_at: z.string().nullable(),
  deadline_hours: z.number().nullable(),
  final_due_at: z.string().nullable(),
});
function rulesRejudged() {
  return z.object({ from: identity.extend({ recorded: z.boolean() }), to: identity, before: judgedState, after: judgedState });
}
const factValue = z.union([z.string(), z.number(), z.boolean()]);
const note = z.object({ note: z.string().nullable().optional() });

/** What each event type does to an incident; payloads as src/incidents/service.ts writes them. */
export const EVENT_HANDLERS: Record<string, EventHandler> = {
  incident_opened: on(
    z.object({
      title: z.string(),
      description: z.string().nullable().optional(),
      aware_at: z.string(),
      channel: z.string().nullable().optional(),
      private: z.boolean().optional(),
      platform: z.string().optional(),
      channel_id: z.string().nullable().optional(),
      rules: sha256.optional(),
    }),
    (s, p, e) => {
      if (s.openedSeq) return `opened a second time (event ${e.seq})`;
      // Events from before the platform was recorded leave it unchecked.
      if (p.platform !== undefined) s.extra.location = { platform: p.platform, channelId: p.channel_id ?? null };
      Object.assign(s, {
        rulesSha: p.rules ?? null,
        openedSeq: e.seq,
        title: p.title,
        description: p.description ?? null,
        awareAt: p.aware_at,
        channelName: p.channel ?? null,
        private: p.private ?? false,
        openedBy: e.actor,
        openedAt: e.at,
        status: "open",
      });
    },
  ),
  fact_set: on(z.object({ fact: z.string(), to: factValue.nullable() }), (s, p, e) => {
    if (p.fact === "aware_at") {
      if (typeof p.to !== "string") return `event ${e.seq} sets aware_at to ${JSON.stringify(p.to)}`;
      s.awareAt = p.to;
    } else if (p.to === null) s.facts.delete(p.fact);
    else s.facts.set(p.fact, { value: p.to, by: e.actor });
  }),
  // The platform named the war room differently from the name reserved at opening.
  channel_renamed: on(z.object({ channel: z.string() }), (s, p) => {
    s.channelName = p.channel;
  }),
  // The war room made for an incident recorded under a reserved name.
  channel_attached: on(z.object({ channel_id: z.string(), channel: z.string() }), (s, p) => {
    s.channelName = p.channel;
    const location = s.extra.location as { platform: string; channelId: string | null } | undefined;
    if (location) location.channelId = p.channel_id;
  }),
  // The level is derived: it is re-classified from the replayed facts (and audited, see auditVerdicts).
  level_changed: nothing,
  // The incident is judged under other rules from here on.
  rules_rejudged: on(rulesRejudged(), (s, p) => {
    s.rulesSha = p.to.sha256;
  }),
  role_assigned: on(z.object({ role: z.string(), user: z.string() }), (s, p, e) => {
    s.roles.set(p.role, { user: p.user, by: e.actor });
  }),
  report_item_set: on(z.object({ report: z.enum(["incident", "post_incident"]), item: z.string(), value: z.string() }), (s, p, e) => {
    const key = `${p.report}/${p.item}`;
    if (p.value === "") s.items.delete(key);
    else s.items.set(key, { value: p.value, by: e.actor });
  }),
  report_submitted: on(
    z.object({
      kind: z.string(),
      channel: z.string(),
      reference: z.string().nullable().optional(),
      submitted_at: z.string(),
      items: z.array(z.string()),
      incomplete_reason: z.string().nullable().optional(),
      draft: z.unknown(),
    }),
    (s, p, e) => {
      const index = s.submissions.length;
      s.submissions.push({
        seq: e.seq,
        kind: p.kind,
        channel: p.channel,
        reference: p.reference ?? null,
        submittedAt: p.submitted_at,
        recordedBy: e.actor,
        items: p.items,
        incompleteReason: p.incomplete_reason ?? null,
        draft: p.draft,
      });
      if (p.kind === "update") for (const d of s.developments) if (d.coveredBy === null) d.coveredBy = index;
    },
  ),
  development_recorded: on(z.object({ text: z.string() }), (s, p, e) => {
    s.developments.push({ seq: e.seq, text: p.text, at: e.at, actor: e.actor, coveredBy: null });
  }),
  police_reported: on(note, (s, _p, e) => {
    s.policeReportedAt = e.at;
  }),
  disclosure_cleared: on(note, (s, _p, e) => {
    s.disclosureClearedAt = e.at;
  }),
  disclosure_blocked: on(note, (s) => {
    s.disclosureClearedAt = null;
  }),
  // The end of handling may be given (resolve --at); the post-incident due date is derived.
  incident_resolved: on(z.object({ resolved_at: z.string().optional() }), (s, p, e) => {
    Object.assign(s, { status: "resolved", resolvedAt: p.resolved_at ?? e.at });
  }),
  incident_closed: on(z.object({ reason: z.string().nullable().optional() }), (s, _p, e) => {
    Object.assign(s, { status: "closed", closedAt: e.at });
  }),
  assessment_recorded: on(
    z.object({ assessment: z.number().int().optional(), verdict: z.string().optional(), reason: z.string(), unknown_facts: z.array(z.string()) }),
    (s, p, e) => {
      s.assessments.push({ seq: e.seq, id: p.assessment ?? null, verdict: p.verdict ?? "not_reportable", reason: p.reason, unknownFacts: p.unknown_facts, at: e.at, actor: e.actor, revoked: null });
    },
  ),
  assessment_revoked: on(z.object({ assessment: z.number().int(), reason: z.string() }), (s, p, e) => {
    const a = s.assessments.find((x) => x.id === p.assessment);
    if (!a) return `event ${e.seq} revokes assessment ${p.assessment}, which the timeline never recorded`;
    a.revoked = { at: e.at, by: e.actor, reason: p.reason };
  }),
  // The countdown's own bookkeeping (the warnings table), not incident state.
  countdown_warning: nothing,
  countdown_catch_up: nothing,
};

function blank(id: number): ReplayedIncident {
  return {
    id,
    openedSeq: 0,
    title: "",
    description: null,
    channelName: null,
    private: false,
    openedBy: "",
    openedAt: "",
    awareAt: "",
    status: "open",
    resolvedAt: null,
    closedAt: null,
    policeReportedAt: null,
    disclosureClearedAt: null,
    rulesSha: null,
    facts: new Map(),
    roles: new Map(),
    items: new Map(),
    submissions: [],
    developments: [],
    assessments: [],
    extra: {},
  };
}

export interface Replay {
  incidents: Map<number, ReplayedIncident>;
  /** Events that could not be replayed: broken rows, unknown types, malformed payloads. */
  findings: Finding[];
}

/**
 * A check made at an event, on the incident as it stood just before it (a verdict recorded
 * then must be the one its rules give on the facts as they were); a returned string is a finding.
 */
export type EventAudit = (state: ReplayedIncident, event: TimelineEvent) => string | void;

/** Rebuild every incident from the timeline. Never throws on what it reads. */
export async function replayTimeline(sql: Sql, handlers: Record<string, EventHandler> = EVENT_HANDLERS, audit?: EventAudit): Promise<Replay> {
  const incidents = new Map<number, ReplayedIncident>();
  const findings: Finding[] = [];
  for (const e of await allEventsIn(sql)) {
    const incidentId = e.incident_id;
    const finding = (what: string) => findings.push({ incidentId, seq: e.seq, what });
    if (e.broken) {
      finding(`event ${e.seq} (${e.type}) cannot be read: ${e.broken}`);
      continue;
    }
    if (incidentId === null) continue;
    const handler = Object.hasOwn(handlers, e.type) ? handlers[e.type] : undefined;
    if (!handler) {
      finding(`event ${e.seq} has the type "${e.type}", which this warroom cannot replay`);
      continue;
    }
    let state = incidents.get(incidentId);
    if (!state) incidents.set(incidentId, (state = blank(incidentId)));
    if (!state.openedSeq && e.type !== "incident_opened") {
      finding(`event ${e.seq} (${e.type}) comes before the incident was opened`);
      continue;
    }
    const parsed = handler.payload.safeParse(e.payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      finding(`event ${e.seq} (${e.type}) has a malformed payload: ${issue ? `${issue.path.join(".") || "payload"}: ${issue.message}` : "invalid"}`);
      continue;
    }
    const audited = audit?.(state, e);
    if (audited) finding(audited);
    const problem = handler.apply(state, parsed.data as never, e);
    if (problem) finding(problem);
    // When the incident last changed: its warnings were last re-planned then.
    state.extra.lastEventAt = e.at;
  }
  return { incidents, findings };
}

// ——— the cross-check ———

/**
 * Times the service stamps on a row and on its event come from two clock readings within one
 * transaction: they agree to within milliseconds. Anything further apart was edited.
 */
export const TIME_TOLERANCE_MS = 10_000;

function sameInstant(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  return Number.isFinite(ta) && Number.isFinite(tb) && Math.abs(ta - tb) <= TIME_TOLERANCE_MS;
}

/** An incident's rows in the state tables, read once before the checks compare them. */
export type StateRows = Record<(typeof STATE_TABLES)[number], Fields[]>;

export interface CheckContext {
  tables: StateRows;
  /** The pack the incident's events name, or why it cannot be used. */
  pack: RulePack | string;
  replayed: ReplayedIncident;
  /** The incidents row (snake_case columns). */
  row: Record<string, unknown>;
}

interface Compare {
  (what: string, expected: unknown, found: unknown, same?: (a: unknown, b: unknown) => boolean): void;
}

/** One check per table: each compares what the replay implies with the rows it reads. */
export type TableCheck = (ctx: CheckContext, compare: Compare) => void;

type Fields = Record<string, unknown>;

const STATE_TABLES = ["facts", "roles", "report_items", "submissions", "developments", "assessments", "warnings"] as const;
const KEYED = new Set<string>(["facts", "roles", "report_items"]);

/** A stored JSON text as its value; text that is not JSON stays visibly so. */
function stored(text: unknown): unknown {
  if (typeof text !== "string") return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return `(not JSON) ${text}`;
  }
}


/**
 * Compare keyed rows: a key on one side only is one disagreement (shown by its first field),
 * otherwise each field is compared. `found` is already in the replay's field names.
 */
function compareKeyed(compare: Compare, label: string, expected: Map<string, Fields>, found: Map<string, Fields>, fields: [field: string, label: string][]): void {
  const [first] = fields[0] ?? ["value"];
  for (const key of [...new Set([...expected.keys(), ...found.keys()])].sort()) {
    const e = expected.get(key);
    const f = found.get(key);
    if (!e || !f) compare(`${label} ${key}`, e?.[first], f?.[first]);
    else for (const [field, name] of fields) compare(`${label} ${key}${name ? ` ${name}` : ""}`, e[field], f[field]);
  }
}

export const TABLE_CHECKS: TableCheck[] = [
  // incidents: what the events set directly.
  ({ replayed: r, row }, compare) => {
    compare("title", r.title, row.title);
    compare("description", r.description, row.description);
    compare("channel name", r.channelName, row.channel_name);
    compare("private", r.private ? 1 : 0, row.private);
    const location = r.extra.location as { platform: string; channelId: string | null } | undefined;
    if (location) {
      compare("platform", location.platform, row.platform);
      compare("channel", location.channelId, row.channel_id);
    }
    compare("opened by", r.openedBy, row.opened_by);
    compare("opened at", r.openedAt, row.created_at, (a, b) => sameInstant(a as string, b as string));
    compare("aware at", r.awareAt, row.aware_at);
    compare("status", r.status, row.status);
    compare("resolved at", r.resolvedAt, row.resolved_at, (a, b) => sameInstant(a as string | null, b as string | null));
    compare("closed at", r.closedAt, row.closed_at, (a, b) => sameInstant(a as string | null, b as string | null));
    compare("police reported at", r.policeReportedAt, row.police_reported_at, (a, b) => sameInstant(a as string | null, b as string | null));
    compare("disclosure cleared at", r.disclosureClearedAt, row.disclosure_cleared_at, (a, b) => sameInstant(a as string | null, b as string | null));
  },
  // facts
  ({ tables, replayed: r }, compare) => {
    const rows = tables.facts;
    const found = new Map(rows.map((x) => [String(x.name), { value: stored(x.value), by: x.updated_by }]));
    compareKeyed(compare, "fact", r.facts, found, [
      ["value", ""],
      ["by", "set by"],
    ]);
  },
  // what the level, reportability, the report clock and the post-incident due date derive
  // from the facts and the assessments, as IncidentService.snapshot and refresh derive them
  ({ pack, replayed: r, row }, compare) => {
    compare("rule pack it is judged under", r.rulesSha, row.rules_sha256 ?? null);
    if (typeof pack === "string") {
      compare(`rules (${pack})`, "a rule pack this warroom can use", "none");
      return;
    }
    const v = verdictOf(pack, r);
    compare("level (classified from the timeline's facts under the rule pack its events name)", v.classification.level, row.level);
    compare("reportability", v.reportability, row.reportability);
    compare("provisional", v.provisional ? 1 : 0, row.provisional);
    compare("report deadline", v.clock?.deadlineAt ?? null, row.deadline_at);
    compare("report deadline hours", v.clock?.hours ?? null, row.deadline_hours);
    compare("post-incident report due", v.finalDueAt, row.final_due_at, (a, b) => sameInstant(a as string | null, b as string | null));
  },
  // roles
  ({ tables, replayed: r }, compare) => {
    const rows = tables.roles;
    const found = new Map(rows.map((x) => [String(x.role), { user: x.user_id, by: x.assigned_by }]));
    compareKeyed(compare, "role", r.roles, found, [
      ["user", ""],
      ["by", "assigned by"],
    ]);
  },
  // report items
  ({ tables, replayed: r }, compare) => {
    const rows = tables.report_items;
    const found = new Map(rows.map((x) => [`${String(x.report)}/${String(x.item)}`, { value: x.value, by: x.updated_by }]));
    compareKeyed(compare, "report item", r.items, found, [
      ["value", ""],
      ["by", "set by"],
    ]);
  },
  // filings, then developments and the update reports that covered them
  ({ tables, replayed: r }, compare) => {
    const rows = tables.submissions;
    compare("number of filed reports", r.submissions.length, rows.length);
    r.submissions.forEach((s, i) => {
      const f = rows[i];
      if (!f) return;
      const label = `filed report ${i + 1} (event ${s.seq})`;
      compare(`${label} kind`, s.kind, f.kind);
      compare(`${label} channel`, s.channel, f.channel);
      compare(`${label} reference`, s.reference, f.reference);
      compare(`${label} time`, s.submittedAt, f.submitted_at);
      compare(`${label} recorded by`, s.recordedBy, f.recorded_by);
      compare(`${label} items`, s.items, stored(f.items));
      compare(`${label} reason it went incomplete`, s.incompleteReason, f.incomplete_reason);
      compare(`${label} draft`, s.draft, stored(f.draft));
    });
    const devs = tables.developments;
    compare("number of developments", r.developments.length, devs.length);
    r.developments.forEach((d, i) => {
      const f = devs[i];
      if (!f) return;
      const label = `development ${i + 1} (event ${d.seq})`;
      compare(`${label} text`, d.text, f.text);
      compare(`${label} recorded by`, d.actor, f.actor);
      compare(`${label} time`, d.at, f.at, (a, b) => sameInstant(a as string, b as string));
      const coveredBy = d.coveredBy === null ? null : (rows[d.coveredBy]?.id ?? null);
      compare(`${label} covered by filed report`, coveredBy, f.submission_id);
    });
  },
  // assessments, and what undid them
  ({ tables, replayed: r }, compare) => {
    const rows = tables.assessments;
    compare("number of assessments", r.assessments.length, rows.length);
    const when = (a: unknown, b: unknown) => sameInstant(a as string | null, b as string | null);
    r.assessments.forEach((a, i) => {
      const f = rows[i];
      if (!f) return;
      const label = `assessment ${i + 1} (event ${a.seq})`;
      if (a.id !== null) compare(`${label} id`, a.id, f.id);
      compare(`${label} verdict`, a.verdict, f.verdict);
      compare(`${label} reason`, a.reason, f.reason);
      compare(`${label} unknown facts`, a.unknownFacts, stored(f.unknown_facts));
      compare(`${label} recorded by`, a.actor, f.actor);
      compare(`${label} time`, a.at, f.at, when);
      compare(`${label} revoked at`, a.revoked?.at ?? null, f.revoked_at, when);
      compare(`${label} revoked by`, a.revoked?.by ?? null, f.revoked_by);
      compare(`${label} revocation reason`, a.revoked?.reason ?? null, f.revoked_reason);
    });
  },
];

// The warnings the replayed clocks imply (./replay-warnings.ts).
TABLE_CHECKS.push(warningsCheck);

/**
 * Replay the timeline and compare every incident with its rows. Findings come in order:
 * events that could not be replayed first, then disagreements by incident.
 */
export async function crossCheck(
  sql: Sql,
  legacy: RulePack,
  options: { handlers?: Record<string, EventHandler>; checks?: TableCheck[] } = {},
): Promise<{ incidents: number; findings: Finding[] }> {
  const packs = await storedPacks(sql, legacy);
  const { incidents, findings } = await replayTimeline(sql, options.handlers, auditVerdicts(packs.lookup));
  findings.unshift(...packs.findings);
  const rows = new Map((await sql.all<Fields>("SELECT * FROM incidents ORDER BY id")).map((r) => [Number(r.id), r]));
  const tables = await stateRows(sql);
  const ids = [...new Set([...rows.keys(), ...incidents.keys()])].sort((a, b) => a - b);
  for (const id of ids) {
    const replayed = incidents.get(id);
    const row = rows.get(id);
    if (!replayed?.openedSeq) {
      if (row) findings.push({ incidentId: id, what: "is in the incidents table but the timeline never opened it" });
      continue;
    }
    if (!row) {
      findings.push({ incidentId: id, what: `was opened in the timeline (event ${replayed.openedSeq}) but is missing from the incidents table` });
      continue;
    }
    const compare: Compare = (what, expected, found, same) => {
      const equal = same ? same(expected, found) : JSON.stringify(expected ?? null) === JSON.stringify(found ?? null);
      if (!equal) findings.push({ incidentId: id, what, expected, found });
    };
    const own = Object.fromEntries(STATE_TABLES.map((t) => [t, tables[t].get(id) ?? []])) as StateRows;
    const pack = packs.lookup(replayed.rulesSha);
    for (const check of options.checks ?? TABLE_CHECKS) check({ tables: own, pack, replayed, row }, compare);
  }
  for (const table of STATE_TABLES) {
    for (const id of [...tables[table].keys()].filter((i) => !rows.has(i)).sort((a, b) => a - b)) {
      findings.push({ incidentId: id, what: `has rows in ${table} but no incident row` });
    }
  }
  return { incidents: ids.length, findings };
}

/** The verdict the replayed facts, assessments and end of handling give under a pack. */
function verdictOf(pack: RulePack, r: ReplayedIncident): Verdict {
  const facts: Facts = { aware_at: r.awareAt };
  for (const [name, f] of r.facts) facts[name] = f.value;
  return deriveVerdict(pack, facts, r.assessments.some((a) => !a.revoked), r.resolvedAt);
}

/** A pack by the hash events name it by (null: the release before packs were recorded), or why it cannot be used. */
export type PackLookup = (sha256: string | null) => RulePack | string;

/**
 * The packs the database holds, each checked against the hash it is held under: an altered
 * or unreadable one is a finding, and every incident judged under it is one too.
 */
async function storedPacks(sql: Sql, legacy: RulePack): Promise<{ lookup: PackLookup; findings: Finding[] }> {
  const usable = new Map<string, RulePack>();
  const unusable = new Map<string, string>();
  const findings: Finding[] = [];
  for (const row of await allPacks(sql)) {
    try {
      usable.set(row.sha256, readStoredPack(row.content, row.sha256));
    } catch (err) {
      if (!(err instanceof StoredPackError)) throw err;
      unusable.set(row.sha256, err.message);
      findings.push({ incidentId: null, what: err.message });
    }
  }
  // Once recorded, the pack that judged incidents naming none is the database's, not this process's.
  const recordedLegacy = await legacyPackRow(sql);
  const legacyPack = recordedLegacy ? (usable.get(recordedLegacy.sha256) ?? unusable.get(recordedLegacy.sha256) ?? legacy) : legacy;
  const lookup: PackLookup = (sha) => {
    if (sha === null) return legacyPack;
    return usable.get(sha) ?? unusable.get(sha) ?? `the rule pack ${sha.slice(0, 12)}… is not in the database`;
  };
  return { lookup, findings };
}

const sameJudged = (a: JudgedState, b: z.infer<typeof judgedState>) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Verdicts recorded in the timeline are checked where they were recorded: a rule change's
 * verdict before and after under the two packs it names, and a level change under the pack
 * it names, each on the facts as they stood at that event.
 */
function auditVerdicts(packs: PackLookup): EventAudit {
  return (s, e) => {
    if (e.type === "rules_rejudged") {
      const p = rulesRejudged().safeParse(e.payload);
      if (!p.success) return;
      const from = packs(s.rulesSha);
      if (typeof from === "string") return `event ${e.seq} re-judges under new rules, but ${from}`;
      if (rulesIdentity(from).sha256 !== p.data.from.sha256) return `event ${e.seq} says the incident was judged under ${p.data.from.sha256.slice(0, 12)}…, but its events had it under ${rulesIdentity(from).sha256.slice(0, 12)}…`;
      const to = packs(p.data.to.sha256);
      if (typeof to === "string") return `event ${e.seq} re-judges under rules that cannot be checked: ${to}`;
      if (!sameJudged(judged(verdictOf(from, s)), p.data.before)) return `event ${e.seq} records a verdict before the rule change that its old rules do not give on the facts of the time`;
      if (!sameJudged(judged(verdictOf(to, s)), p.data.after)) return `event ${e.seq} records a verdict after the rule change that its new rules do not give on the facts of the time`;
      return;
    }
    if (e.type === "level_changed" && typeof e.payload.rules === "string") {
      if (e.payload.rules !== (s.rulesSha ?? "")) return `event ${e.seq} changes the level under rules the incident was not judged under`;
      const pack = packs(e.payload.rules);
      if (typeof pack === "string") return `event ${e.seq} changes the level under rules that cannot be checked: ${pack}`;
      const level = verdictOf(pack, s).classification.level;
      if (level !== e.payload.to) return `event ${e.seq} changes the level to ${JSON.stringify(e.payload.to)}, but its rules give ${level} on the facts of the time`;
    }
  };
}

/** Every state table, grouped by incident, each in insertion order: one query a table. */
async function stateRows(sql: Sql): Promise<Record<(typeof STATE_TABLES)[number], Map<number, Fields[]>>> {
  const out = {} as Record<(typeof STATE_TABLES)[number], Map<number, Fields[]>>;
  for (const table of STATE_TABLES) {
    const byIncident = new Map<number, Fields[]>();
    // The table names come from the constant list above, never from input.
    // Keyed tables (facts, roles, items) are compared by key; the others in the order of their ids.
    const order = KEYED.has(table) ? "incident_id" : "incident_id, id";
    for (const row of await sql.all<Fields>(`SELECT * FROM ${table} ORDER BY ${order}`)) {
      const id = Number(row.incident_id);
      const list = byIncident.get(id) ?? [];
      list.push(row);
      byIncident.set(id, list);
    }
    out[table] = byIncident;
  }
  return out;
}

function shown(value: unknown): string {
  if (value === undefined || value === null) return "nothing";
  const text = JSON.stringify(value) ?? String(value);
  return echo(text, 80);
}

/** One line: the incident, what disagrees, what the timeline implies and what the table holds. */
export function describeFinding(f: Finding): string {
  const who = f.incidentId === null ? "timeline" : `incident #${f.incidentId}`;
  if (!("expected" in f) && !("found" in f)) return `${who}: ${f.what}`;
  return `${who}: ${f.what}: the timeline says ${shown(f.expected)}, the table has ${shown(f.found)}`;
}
