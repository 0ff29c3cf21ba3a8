import type { Classification } from "../rules/classify.js";
import type { DeadlineRule } from "../rules/pack.js";
import type { Facts } from "../rules/facts.js";

export type IncidentStatus = "open" | "resolved" | "closed";
export type RoleName = "commander" | "compliance" | "scribe";
export const ROLE_NAMES: readonly RoleName[] = ["commander", "compliance", "scribe"];
export type SubmissionKind = "initial" | "supplementary" | "update" | "final";
export const SUBMISSION_KINDS: readonly SubmissionKind[] = ["initial", "supplementary", "update", "final"];
export type ReportName = "incident" | "post_incident";

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
  reportable: boolean;
  classified: boolean;
  deadlineAt: string | null;
  deadlineHours: number | null;
  resolvedAt: string | null;
  finalDueAt: string | null;
  closedAt: string | null;
  policeReportedAt: string | null;
  disclosureClearedAt: string | null;
  updatedAt: string;
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
}

export interface Development {
  id: number;
  text: string;
  at: string;
  actor: string;
  submissionId: number | null;
}

/** The report clock as it stands: provisional until a classification fact is known. */
export interface ReportClock {
  deadlineAt: string;
  hours: number;
  provisional: boolean;
  rule: DeadlineRule;
}

/** Everything a card, a draft or a warning needs, read in one go. */
export interface IncidentSnapshot {
  incident: Incident;
  /** Facts as known, aware_at included. */
  facts: Facts;
  classification: Classification;
  clock: ReportClock | null;
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
