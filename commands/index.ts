import type { CommandDef, FormHandler } from "../src/bot/router.js";
import { privateReply } from "../src/bot/replies.js";
import { label, loadTemplates } from "../src/report/templates.js";
import { describeRules, rulesIdentity } from "../src/rules/identity.js";
import { open, openFormHandler } from "./open.js";
import { facts, factsFormHandler } from "./facts.js";
import { report, final, reportItemsFormHandler, finalItemsFormHandler } from "./report.js";
import { submitted, submissionFormHandler } from "./submitted.js";
import { status, update, role, resolve, close, police } from "./lifecycle.js";
import { disclose } from "./disclose.js";
import { timeline } from "./timeline.js";
import { assess, assessFormHandler } from "./assess.js";
import { email } from "./email.js";
import { board } from "./board.js";

const list: CommandDef[] = [open, facts, status, report, submitted, email, update, police, disclose, role, assess, resolve, final, close, timeline, board];

export const help: CommandDef = {
  name: "help",
  usage: "/incident help",
  summary: "this list",
  needsIncident: false,
  mutates: false,
  async run(ctx) {
    const { pack } = ctx.core;
    const lines = ["/incident subcommands:", ...[...list, help].map((c) => `• ${c.usage}\n    ${c.summary}`)];
    lines.push("Facts are name=value pairs, e.g. /incident facts personal_info_people=1200000 cii_affected=true aware_at=2026-03-02T09:00+08:00");
    lines.push(`Who may do what: ${Object.entries(pack.rights).map(([name, who]) => `${name}: ${who.join("/")}`).join(" · ")}.`);
    const t = loadTemplates();
    lines.push(`Rules: ${describeRules(rulesIdentity(pack))}, from the official text of the Measures and their Classification Guide.`);
    const readings = [...new Map(pack.criteria.flatMap((c) => (c.interpretation ? [[c.interpretation.id, c.interpretation] as const] : []))).values()];
    for (const r of readings) lines.push(`Stricter reading applied: ${r.en}`);
    lines.push(label(t, "update_owed_trigger").en);
    lines.push(label(t, "service_providers").en);
    lines.push(label(t, "disclaimer").en);
    return privateReply(lines.join("\n"));
  },
};

export const COMMANDS: readonly CommandDef[] = [...list, help];

export const FORM_HANDLERS: readonly FormHandler[] = [openFormHandler, factsFormHandler, reportItemsFormHandler, finalItemsFormHandler, submissionFormHandler, assessFormHandler];
