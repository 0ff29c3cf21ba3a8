import type { Classification } from "../rules/classify.js";
import type { DeadlineRule } from "../rules/pack.js";
import type { Facts } from "../rules/facts.js";
import type { JudgingRules } from "./rulebook.js";

export type IncidentStatus = "open" | "resolved" | "closed";
export type RoleName = "commander" | "compliance" | "scribe";
export const ROLE_NAMES: readonly RoleName[] = ["commander", "compliance", "scribe"];
export type SubmissionKind = "initial" | "supplementary" | "update" | "final";
export const SUBMISSION_KINDS: readonly SubmissionKind[] = ["initial", "supplementary", "update", "final"];
export type ReportName = "incident" | "post_incident";

/**
 * Whether a report is owed: decided by the facts, or by a recorded assessment while the facts
 * leave it open. Never "not reportable" by default.
 */
export type Reportability = "reportable" | "not_reportable" | "assessed_not_reportable" | "undetermined";

/** A recorded judgement that an incident is not reportable while facts that could make it so are unknown. */
export interface Assessment {
  id: number;
  verdict: "not_reportable";
  reason: string;
  /** The facts that could still have made it reportable when the assessment was recorded. */
  unknownFacts: string[];
  at: string;
  actor: string;
}

export interface Incident {
  id: number;
  title: string;
  description: string | null;
  status: IncidentStatus;
  platform: string;
  channelId: string | null;
  channelName: string | null;
  cardMessageId: string | null;
  private: boolean;
  openedBy: string;
  createdAt: string;
  awareAt: string;
  level: string;
  reportability: Reportability;
  /** The deadline could still tighten, or reportability is undetermined. */
  provisional: boolean;
  deadlineAt: string | null;
  deadlineHours: number | null;
  resolvedAt: string | null;
  finalDueAt: string | null;
  closedAt: string | null;
  policeReportedAt: string | null;
  disclosureClearedAt: string | null;
  updatedAt: string;
  /** The rule pack it is judged under; null for one judged before packs were recorded. */
  rulesSha256: string | null;
}

export interface Submission {
  id: number;
  kind: SubmissionKind;
  channel: string;
  reference: string | null;
  submittedAt: string;
  recordedBy: string;
  /** Item ids included in what was filed. */
  items: string[];
  draft: unknown;
  /** Why an initial report went without items 1-2 (Article 7(2) allows items 1-2 first, not less). */
  incompleteReason: string | null;
}

export interface Development {
  id: number;
  text: string;
  at: string;
  actor: string;
  submissionId: number | null;
}

/** The report clock as it stands: the strictest deadline that could still apply. */
export interface ReportClock {
  deadlineAt: string;
  hours: number;
  /** The deadline could still tighten, or reportability is undetermined. */
  provisional: boolean;
  rule: DeadlineRule;
  /** Stricter rules not yet confirmed or ruled out: the reason the deadline is as strict as it is. */
  pending: DeadlineRule[];
  /** Unknown facts that could still make the incident reportable (reportability undetermined). */
  reportabilityFacts: string[];
}

/** Everything a card, a draft or a warning needs, read in one go. */
export interface IncidentSnapshot {
  incident: Incident;
  /** The rules that judge it: the pack it names (closed incidents keep theirs), else the release before packs were recorded. */
  rules: JudgingRules;
  /** Facts as known, aware_at included. */
  facts: Facts;
  classification: Classification;
  /** The active not-reportable assessment, if one is recorded and not undone. */
  assessment: Assessment | null;
  clock: ReportClock | null;
  /** When the 30-day summary report falls due, as the rules derive it (the incident's column is its stored copy). */
  finalDueAt: string | null;
  roles: Partial<Record<RoleName, string>>;
  items: Record<string, string>;
  postItems: Record<string, string>;
  submissions: Submission[];
  developments: Development[];
  /** Report items not yet written, in item order. */
  missingItems: string[];
  /** The initial report is filed (the report clock has stopped). */
  initialFiled: boolean;
  /** Filed items 1-2 only: the rest is owed as a supplementary report. */
  supplementaryOwed: string[];
  /** Developments recorded since the last update report. */
  updateOwed: boolean;
  finalFiled: boolean;
}

/**
 * The clocks still running: the initial report's while the incident is not closed and the
 * initial report is not filed (resolving does not stop it), and the 30-day summary's from
 * the end of handling until it is filed. The countdown, cards and board read them here.
 */
export function owedClocks(snap: IncidentSnapshot): { report: boolean; final: boolean } {
  const i = snap.incident;
  return {
    report: i.status !== "closed" && !snap.initialFiled && snap.clock !== null,
    final: i.status === "resolved" && !snap.finalFiled && i.finalDueAt !== null,
  };
}

/**
 * Whether a filing came after its deadline as the deadline stands now: the initial report's
 * against the report clock, the summary's against the 30-day due date. Derived every time,
 * never frozen: facts tightened after a filing (an earlier awareness) re-judge it.
 */
export function filedLate(snap: IncidentSnapshot, submission: Pick<Submission, "kind" | "submittedAt">): boolean {
  const due = submission.kind === "initial" ? snap.clock?.deadlineAt : submission.kind === "final" ? snap.incident.finalDueAt : null;
  return due !== null && due !== undefined && Date.parse(submission.submittedAt) > Date.parse(due);
}

/** The verdict the rules give an incident, as a rule change records it before and after. */
export interface JudgedState {
  level: string;
  reportability: Reportability;
  provisional: boolean;
  deadline_at: string | null;
  deadline_hours: number | null;
  final_due_at: string | null;
}
