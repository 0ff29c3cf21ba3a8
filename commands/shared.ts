import { IANAZone, type DateTime } from "luxon";
import { readInstant } from "../src/rules/values.js";
import type { Core } from "../src/bot/core.js";
import type { Incident, IncidentSnapshot } from "../src/incidents/model.js";
import type { PresentOptions } from "../src/report/card.js";
import { UsageError } from "../src/bot/errors.js";
import { loadTemplates } from "../src/report/templates.js";
import { buildDraft, nextReportKind, type Draft } from "../src/report/draft.js";
import type { SubmissionKind } from "../src/incidents/model.js";
import { SUBMISSION_KINDS } from "../src/incidents/model.js";
import { TEXT_LIMITS, tooLong } from "../src/limits.js";
import { ZERO_WIDTH_SPACE } from "../src/bot/sanitize.js";

/** Times beside CST are shown in the viewer's zone when known, else the deployment's. */
export function present(core: Core, viewerZone?: string): PresentOptions {
  const zone = viewerZone && IANAZone.isValidZone(viewerZone) ? viewerZone : core.displayZone;
  return { pack: core.pack, displayZone: zone, now: core.clock.now().toMillis() };
}

/** The router guarantees the incident for commands that declare needsIncident. */
export function incidentOf(ctx: { incident?: Incident }): Incident {
  if (!ctx.incident) throw new UsageError("No incident here.");
  return ctx.incident;
}

export function snapshotOf(ctx: { core: Core; incident?: Incident }): Promise<IncidentSnapshot> {
  return ctx.core.service.snapshot(incidentOf(ctx).id);
}

/**
 * `<@U123>`, `<@U123|name>`, `<@!123>`, `@alice` and `alice` all name user `U123`/`alice`.
 * The router has made typed mentions inert (`<`, zero-width space, `@`): here one is meant.
 */
export function normaliseUser(typed: string): string {
  if (tooLong("", typed, TEXT_LIMITS.user)) throw new UsageError(`A user is named by an id or @handle of at most ${TEXT_LIMITS.user} characters.`);
  const word = typed.split(ZERO_WIDTH_SPACE).join("");
  const m = /^<@!?([^>|]+)(\|[^>]*)?>$/.exec(word.trim());
  if (m) return m[1] as string;
  return word.trim().replace(/^@/, "");
}

/** Refuse free text longer than its field allows, before anything is written. */
export function limitText(what: string, text: string, limit: number, usage: string): void {
  const problem = tooLong(what, text, limit);
  if (problem) throw new UsageError(problem, usage);
}

export function parseKind(value: string | true | undefined, fallback: SubmissionKind): SubmissionKind {
  if (value === undefined) return fallback;
  if (typeof value === "string" && (SUBMISSION_KINDS as readonly string[]).includes(value)) return value as SubmissionKind;
  throw new UsageError(`--kind takes one of ${SUBMISSION_KINDS.join(", ")}`);
}

/** The draft of the given report (default: the one owed next) from a snapshot already read. */
export function draftFor(core: Core, snap: IncidentSnapshot, kind?: SubmissionKind): Draft {
  return buildDraft(core.pack, loadTemplates(), snap, kind ?? nextReportKind(snap), core.clock.now());
}

/** Channel names: lower case ASCII, digits and dashes; Chinese titles in pinyin (./slug.ts). */
export { slugify } from "./slug.js";

/** A time flag (`--at`): ISO-8601, no offset meaning CST; absent gives undefined. */
export function timeFlag(ctx: { core: Core; args: { flags: Record<string, string | true> } }, name: string, usage: string): DateTime | undefined {
  const value = ctx.args.flags[name];
  if (value === undefined) return undefined;
  if (value === true) throw new UsageError(`--${name} takes an ISO-8601 time, e.g. --${name} 2026-03-02T12:40+08:00`, usage);
  const reading = readInstant(value, ctx.core.pack.authority_zone);
  if (!reading.ok) throw new UsageError(`--${name}: ${reading.reason}`, usage);
  return reading.value;
}

export function levelName(core: Core, id: string): string {
  const l = core.pack.levels.find((x) => x.id === id);
  return l ? `${l.en} (${l.zh})` : id;
}

/**
 * Who did something, as a name: in Slack a <@id> in a posted message notifies that user,
 * and a record of who acted should not ping anyone. Platforms that give no name get the id.
 */
export function who(actor: { id: string; name?: string }): string {
  return actor.name ? `@${actor.name}` : `<@${actor.id}>`;
}
