import type { CommandDef } from "../src/bot/router.js";
import { UsageError } from "../src/bot/errors.js";
import { privateReply, publicReply } from "../src/bot/replies.js";
import { renderCard } from "../src/report/card.js";
import { formatBoth } from "../src/report/format.js";
import { label, loadTemplates } from "../src/report/templates.js";
import { ROLE_NAMES, type RoleName } from "../src/incidents/model.js";
import { incidentOf, limitText, normaliseUser, present, snapshotOf, timeFlag, who } from "./shared.js";
import { TEXT_LIMITS } from "../src/limits.js";
import { PermissionError } from "../src/bot/errors.js";
import { roleTitle } from "../src/bot/router.js";

export const status: CommandDef = {
  name: "status",
  usage: "/incident status",
  summary: "show the status card: level, deadline, time left, what is missing",
  needsIncident: true,
  mutates: false,
  async run(ctx) {
    return { ephemeral: true, message: renderCard(present(ctx.core, await ctx.viewerZone()), await snapshotOf(ctx)) };
  },
};

export const update: CommandDef = {
  name: "update",
  usage: "/incident update <what happened>",
  summary: "record important new circumstances or staged progress of the investigation (an update report is then owed, Article 7)",
  freeText: true,
  needsIncident: true,
  mutates: true,
  async run(ctx) {
    const text = ctx.rest.trim();
    if (!text) throw new UsageError("Describe the development.", "/incident update <what happened>");
    limitText("The development", text, TEXT_LIMITS.development, "/incident update <what happened>");
    const snap = await ctx.core.service.recordDevelopment(incidentOf(ctx).id, text, ctx.actor.id);
    const hint = snap.initialFiled
      ? "An update report is owed: report it promptly (/incident report --kind update, then /incident submitted <channel> --kind update)."
      : "It will be part of the initial report.";
    return publicReply({ text: `Development recorded by ${who(ctx.actor)}: ${text}\n${hint}`, tone: "info" });
  },
};

const ROLE_USAGE = `/incident role <${ROLE_NAMES.join("|")}> <@user>`;

export const role: CommandDef = {
  name: "role",
  usage: ROLE_USAGE,
  summary: "assign the commander, compliance lead or scribe (and bring them into the channel)",
  needsIncident: true,
  mutates: true,
  async run(ctx) {
    const [roleWord, userWord, ...extra] = ctx.args.positional;
    if (!roleWord || !userWord || extra.length) throw new UsageError("Name a role and a user.", ROLE_USAGE);
    const roleName = roleWord.toLowerCase();
    if (!(ROLE_NAMES as readonly string[]).includes(roleName)) throw new UsageError(`"${roleWord}" is not a role.`, ROLE_USAGE);
    const user = normaliseUser(userWord);
    if (!user) throw new UsageError("Name the user, e.g. @alice.", ROLE_USAGE);
    const incident = incidentOf(ctx);
    const roles = (await snapshotOf(ctx)).roles;
    if (roles[roleName as RoleName] === user) return privateReply(`<@${user}> is already the ${roleTitle(roleName)} of incident #${incident.id}.`);
    // Rights come from roles: taking one yourself would be granting yourself rights.
    if (user === ctx.actor.id) {
      const others = (["commander", "compliance"] as const).filter((r) => roles[r] && roles[r] !== ctx.actor.id).map((r) => `the ${roleTitle(r)} (<@${roles[r]}>)`);
      throw new PermissionError(`Nobody can assign a role to themselves. ${others.length ? `Ask ${others.join(" or ")}.` : "Another commander or compliance lead must assign it."}`);
    }
    await ctx.core.service.setRole(incident.id, roleName as RoleName, user, ctx.actor.id);
    const lines = [`<@${user}> is now the ${roleName} of incident #${incident.id}.`];
    // A role holder must be able to act in the war room: bring them in.
    if (incident.channelId && incident.platform === ctx.actor.platform) {
      try {
        await ctx.port.invite(incident.channelId, [user]);
      } catch (err) {
        ctx.core.log.error(`could not invite ${user} to incident #${incident.id}: ${(err as Error).message}`);
        lines.push(`⚠️ Could not add <@${user}> to the incident channel; invite them by hand.`);
      }
    }
    return publicReply({ text: lines.join("\n"), mentions: [user] });
  },
};

const RESOLVE_USAGE = "/incident resolve [--at <ISO time handling ended>]";

export const resolve: CommandDef = {
  name: "resolve",
  usage: RESOLVE_USAGE,
  summary: "mark the incident handled (now or --at when it ended); starts the 30-day post-incident clock",
  valueFlags: ["at"],
  needsIncident: true,
  mutates: true,
  async run(ctx) {
    if (ctx.args.positional.length) throw new UsageError(`Unknown argument "${ctx.args.positional[0]}".`, RESOLVE_USAGE);
    const at = timeFlag(ctx, "at", RESOLVE_USAGE);
    const snap = await ctx.core.service.resolve(incidentOf(ctx).id, ctx.actor.id, at);
    const lines = [`Incident #${snap.incident.id} resolved by ${who(ctx.actor)}.`];
    if (snap.incident.finalDueAt) {
      lines.push(
        `Handling ended ${formatBoth(snap.incident.resolvedAt as string, ctx.core.pack.authority_zone, ctx.core.displayZone)}. Post-incident summary report due ${formatBoth(snap.incident.finalDueAt, ctx.core.pack.authority_zone, ctx.core.displayZone)} (${ctx.core.pack.countdown.post_incident.days} days): causes, response measures, harm, accountability, corrective actions, lessons learned. /incident final drafts it.`,
      );
    } else {
      lines.push(
        snap.incident.reportability === "assessed_not_reportable"
          ? "Assessed not reportable: no post-incident report is owed under the CAC Measures unless a later fact makes it reportable. /incident close ends it."
          : "Not reportable under the CAC Measures: no post-incident report is owed. /incident close ends it.",
      );
    }
    if (!snap.initialFiled && snap.clock) lines.push("⚠️ The initial report is still not recorded as filed.");
    return publicReply({ text: lines.join("\n"), tone: "success" });
  },
};

export const close: CommandDef = {
  name: "close",
  usage: "/incident close [reason]",
  summary: "end the incident once its reports are filed",
  freeText: true,
  needsIncident: true,
  mutates: true,
  async run(ctx) {
    limitText("The reason", ctx.rest.trim(), TEXT_LIMITS.reason, "/incident close [reason]");
    const snap = await ctx.core.service.close(incidentOf(ctx).id, ctx.actor.id, ctx.rest.trim() || undefined);
    return publicReply({ text: `Incident #${snap.incident.id} closed by ${who(ctx.actor)}. The timeline stays as the audit trail (/incident timeline).`, tone: "success" });
  },
};

export const police: CommandDef = {
  name: "police",
  usage: "/incident police [reported <note, e.g. station and case number>]",
  summary: "police-report reminder; `police reported` records that it was made",
  freeText: true,
  needsIncident: true,
  mutates: (args) => args.positional.length > 0,
  async run(ctx) {
    const [verb] = ctx.args.positional;
    const incident = incidentOf(ctx);
    if (!verb) {
      const snap = await snapshotOf(ctx);
      const state = snap.incident.policeReportedAt
        ? `Police report recorded at ${formatBoth(snap.incident.policeReportedAt, ctx.core.pack.authority_zone, ctx.core.displayZone)}.`
        : snap.facts.suspected_crime === true
          ? `No police report is recorded yet. ${label(loadTemplates(), "police").en}`
          : "No crime is recorded as suspected (fact suspected_crime). If one is, report it to the local police in time.";
      return privateReply(state);
    }
    if (verb !== "reported") throw new UsageError(`Unknown police action "${verb}".`, police.usage);
    const note = ctx.rest.replace(/^\s*reported\s*/, "").trim() || undefined;
    limitText("The note", note ?? "", TEXT_LIMITS.note, police.usage);
    await ctx.core.service.recordPoliceReport(incident.id, note, ctx.actor.id);
    return publicReply({ text: `Police report recorded by ${who(ctx.actor)}${note ? `: ${note}` : "."}` });
  },
};
