import type { CommandDef, FormHandler } from "../src/bot/router.js";
import type { Core } from "../src/bot/core.js";
import type { Reply } from "../src/bot/adapter.js";
import { parseFactsText, type FactValue } from "../src/rules/facts.js";
import { FactsConflictError } from "../src/rules/conflicts.js";
import { publicReply } from "../src/bot/replies.js";
import { factsForm, factsFormValues, parseFactsForm, FORM_IDS } from "./forms.js";
import { incidentOf, levelName, present, snapshotOf, who } from "./shared.js";
import { reportState } from "../src/report/card.js";
import { fill, label, loadTemplates } from "../src/report/templates.js";
import { classificationNotes, clockReasons, revocationNote } from "../src/report/reasons.js";
import type { Actor } from "../src/bot/adapter.js";
import type { Incident } from "../src/incidents/model.js";

const USAGE = "/incident facts name=value [name=value …]   (no arguments: open the form)";

/** Apply facts and tell the channel what changed: level, criteria, deadline, and why it is provisional. */
export async function applyFacts(core: Core, incident: Incident, actor: Actor, update: Record<string, FactValue | null>): Promise<Reply> {
  const change = await core.service.setFacts(incident.id, update, actor.id);
  const { before, after, snapshot } = change;
  if (!change.changed.length) return { ephemeral: true, message: { text: "No fact changed." } };
  const t = loadTemplates();
  const o = present(core);
  const lines: string[] = [];
  lines.push(`Facts updated by ${who(actor)}: ${change.changed.join(", ")}.`);
  lines.push(
    before.level === after.level
      ? `Level: ${levelName(core, after.level)}${snapshot.incident.provisional ? " so far (provisional)" : ""}.`
      : `Level: ${levelName(core, before.level)} → ${levelName(core, after.level)}.`,
  );
  for (const c of after.criteria) {
    const reading = c.interpretation ? ` — ${label(t, "stricter_reading").en}: ${c.interpretation.en}` : "";
    lines.push(`• ${c.text_en} — ${c.fact} = ${String(c.value)} (threshold ${JSON.stringify(c.threshold)}; ${c.source})${c.confirmed ? "" : " — threshold unconfirmed: verify against the official text"}${reading}`);
  }
  lines.push(...classificationNotes(snapshot.facts).map((n) => n.en));
  if (change.revoked) lines.push(...revocationNote(core.pack, snapshot, o.now).map((n) => n.en));
  if (change.levelChangedAfterFiling) {
    lines.push(fill(label(t, "level_changed_after_filing"), { from: levelName(core, before.level), to: levelName(core, after.level) }).en);
  }
  // reportState speaks for a running clock and for a settled incident alike.
  lines.push(reportState(o, snapshot));
  if (!snapshot.initialFiled) lines.push(...clockReasons(snapshot).map((r) => r.en));
  if (after.missing.length) lines.push(`Unknown facts that could raise the level or decide the deadline: ${after.missing.join(", ")}`);
  if (update.suspected_crime === true && !snapshot.incident.policeReportedAt) lines.push(label(t, "police").en);
  const urgent = change.revoked !== null || change.levelChangedAfterFiling;
  return publicReply({
    text: lines.join("\n"),
    title: `Incident #${incident.id} classification`,
    tone: urgent ? "danger" : snapshot.clock ? "warning" : "info",
  });
}

export const facts: CommandDef = {
  name: "facts",
  usage: USAGE,
  summary: "enter classification facts (name=value) or open the facts form",
  needsIncident: true,
  mutates: true,
  async run(ctx) {
    const incident = incidentOf(ctx);
    if (!ctx.rest.trim()) {
      const snap = await snapshotOf(ctx);
      return {
        ephemeral: true,
        form: { form: factsForm(ctx.core.pack), values: factsFormValues(ctx.core.pack, snap), context: { incidentId: incident.id, channelId: ctx.channelId } },
      };
    }
    return await applyFacts(ctx.core, incident, ctx.actor, parseFactsText(ctx.core.pack, ctx.rest));
  },
};

export const factsFormHandler: FormHandler = {
  id: FORM_IDS.facts,
  command: "facts",
  async submit(ctx, values) {
    const parsed = parseFactsForm(ctx.core.pack, values);
    if (!parsed.ok) return parsed;
    try {
      return { ok: true, reply: await applyFacts(ctx.core, incidentOf(ctx), ctx.actor, parsed.value) };
    } catch (err) {
      // A contradiction is shown on both fields, so the form can be corrected in place.
      if (err instanceof FactsConflictError) return { ok: false, errors: Object.fromEntries(err.facts.map((f) => [f, err.message])) };
      throw err;
    }
  },
};
