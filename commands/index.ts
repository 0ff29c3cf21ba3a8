import type { CommandDef, FormHandler } from "../src/bot/router.js";
import { privateReply } from "../src/bot/replies.js";
import { open, openFormHandler } from "./open.js";
import { facts, factsFormHandler } from "./facts.js";
import { report, final, reportItemsFormHandler, finalItemsFormHandler } from "./report.js";
import { submitted, submissionFormHandler } from "./submitted.js";
import { status, update, role, resolve, close, police } from "./lifecycle.js";
import { disclose } from "./disclose.js";
import { timeline } from "./timeline.js";

const list: CommandDef[] = [open, facts, status, report, submitted, update, police, disclose, role, resolve, final, close, timeline];

export const help: CommandDef = {
  name: "help",
  usage: "/incident help",
  summary: "this list",
  needsIncident: false,
  mutates: false,
  run() {
    const lines = ["/incident subcommands:", ...[...list, help].map((c) => `• ${c.usage}\n    ${c.summary}`)];
    lines.push("Facts are name=value pairs, e.g. /incident facts personal_info_people=1200000 cii_affected=true aware_at=2026-03-02T09:00+08:00");
    return privateReply(lines.join("\n"));
  },
};

export const COMMANDS: readonly CommandDef[] = [...list, help];

export const FORM_HANDLERS: readonly FormHandler[] = [openFormHandler, factsFormHandler, reportItemsFormHandler, finalItemsFormHandler, submissionFormHandler];
