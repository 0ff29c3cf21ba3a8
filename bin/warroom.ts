#!/usr/bin/env node
/**
 * The launcher: the one place where the core meets the adapters. Subcommands:
 *   warroom start [--shell] [--clock <ISO>] [--db <file>] [--user <name>]
 *   warroom classify [FILE|-]
 *   warroom draft <incident-id> [--lang zh|en|both] [--format md|text|json] [--kind …]
 *   warroom verify
 *   warroom discord-register
 */
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadConfig, ConfigError, type Config } from "../src/config.js";
import { loadRulePack, RulePackError } from "../src/rules/pack.js";
import { parseFacts, FactsError } from "../src/rules/facts.js";
import { classify } from "../src/rules/classify.js";
import { assertConsistent } from "../src/rules/conflicts.js";
import { openDatabase } from "../src/store/db.js";
import { IncidentService, IncidentError } from "../src/incidents/service.js";
import { isInFuture, systemClock, FakeClock } from "../src/time/clock.js";
import { buildDraft, nextReportKind, renderDraft } from "../src/report/draft.js";
import { loadTemplates } from "../src/report/templates.js";
import { verifyChain } from "../src/incidents/timeline.js";
import { createApp, consoleLogger } from "../src/app.js";
import type { RunningAdapter } from "../src/bot/adapter.js";
import { SUBMISSION_KINDS, type SubmissionKind } from "../src/incidents/model.js";
import { runShell } from "../adapters/shell/index.js";

/** Bad input: one line on stderr, exit 2 (the CLI contract). */
class CliError extends Error {}

const USAGE = `usage:
  warroom start [--shell] [--clock <ISO time>] [--db <file>] [--user <name>]
  warroom classify [FILE|-]
  warroom draft <incident-id> [--lang zh|en|both] [--format md|text|json] [--kind initial|supplementary|update|final]
  warroom verify
  warroom discord-register`;

function readInput(file: string | undefined): string {
  try {
    return readFileSync(!file || file === "-" ? 0 : file, "utf8");
  } catch (err) {
    throw new CliError(`cannot read ${file ?? "standard input"}: ${(err as Error).message}`);
  }
}

function cmdClassify(args: string[]): void {
  if (args.length > 1) throw new CliError("classify takes one FILE (or - for standard input)");
  const config = loadConfig();
  const pack = loadRulePack(config.rulesOverride);
  let json: unknown;
  try {
    json = JSON.parse(readInput(args[0]));
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`invalid JSON: ${(err as Error).message}`);
  }
  const facts = parseFacts(pack, json);
  assertConsistent(pack, facts);
  // The same rule as in chat: awareness is a past moment (src/time/clock.ts isInFuture).
  const aware = facts.aware_at;
  if (typeof aware === "string" && isInFuture(systemClock, { toMillis: () => Date.parse(aware) })) {
    throw new CliError("aware_at: the time of awareness cannot be in the future");
  }
  const result = classify(pack, facts);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

function cmdDraft(args: string[]): void {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { lang: { type: "string", default: "both" }, format: { type: "string", default: "md" }, kind: { type: "string" }, db: { type: "string" } },
  });
  const [idText, ...extra] = positionals;
  if (!idText || extra.length) throw new CliError("draft takes one incident id");
  const id = Number(idText.replace(/^#/, ""));
  if (!Number.isInteger(id) || id <= 0) throw new CliError(`"${idText}" is not an incident id`);
  if (!["zh", "en", "both"].includes(values.lang as string)) throw new CliError("--lang takes zh, en or both");
  if (!["md", "text", "json"].includes(values.format as string)) throw new CliError("--format takes md, text or json");
  if (values.kind && !(SUBMISSION_KINDS as readonly string[]).includes(values.kind)) throw new CliError(`--kind takes ${SUBMISSION_KINDS.join(", ")}`);
  const config = loadConfig();
  const pack = loadRulePack(config.rulesOverride);
  const db = openDatabase(values.db ?? config.dbPath);
  try {
    const service = new IncidentService(db, pack, systemClock);
    const snap = service.snapshot(id);
    const draft = buildDraft(pack, loadTemplates(), snap, (values.kind as SubmissionKind | undefined) ?? nextReportKind(snap), systemClock.now());
    process.stdout.write(`${renderDraft(draft, loadTemplates(), { lang: values.lang as "zh" | "en" | "both", format: values.format as "md" | "text" | "json" })}\n`);
  } finally {
    db.close();
  }
}

function cmdVerify(): void {
  const config = loadConfig();
  const db = openDatabase(config.dbPath);
  const check = verifyChain(db);
  db.close();
  if (check.ok) process.stdout.write(`timeline intact: ${check.events} events\n`);
  else {
    process.stdout.write(`timeline BROKEN at event ${check.brokenAt}: ${check.reason}\n`);
    process.exitCode = 1;
  }
}

/** Loaded only when configured, so the shell starts without the chat libraries. */
async function startChatAdapters(config: Config, app: ReturnType<typeof createApp>): Promise<RunningAdapter[]> {
  const running: RunningAdapter[] = [];
  try {
    if (config.slack) {
      const { startSlack } = await import("../adapters/slack/index.js");
      running.push(await startSlack({ app, config: config.slack, port: config.port, httpsProxy: config.httpsProxy, log: consoleLogger }));
    }
    if (config.discord) {
      const { startDiscord } = await import("../adapters/discord/index.js");
      running.push(await startDiscord({ app, config: config.discord, httpsProxy: config.httpsProxy, log: consoleLogger }));
    }
  } catch (err) {
    for (const r of running) await r.stop().catch(() => undefined);
    throw err;
  }
  return running;
}

async function cmdDiscordRegister(): Promise<void> {
  const config = loadConfig();
  if (!config.discord) throw new CliError("DISCORD_TOKEN is not set: nothing to register");
  const { registerDiscordCommands } = await import("../adapters/discord/register.js");
  const result = await registerDiscordCommands({ config: config.discord, httpsProxy: config.httpsProxy, log: consoleLogger, rulesOverride: config.rulesOverride });
  process.stdout.write(`registered ${result.count} command(s), ${result.scope}\n`);
}

async function cmdStart(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { shell: { type: "boolean", default: false }, clock: { type: "string" }, db: { type: "string" }, user: { type: "string" } },
  });
  const config = loadConfig();
  const chat = Boolean(config.slack || config.discord) && !values.shell;
  let clock: FakeClock | undefined;
  if (values.clock) {
    try {
      clock = new FakeClock(values.clock);
    } catch {
      throw new CliError(`--clock ${values.clock}: not an ISO-8601 time (e.g. 2026-03-02T09:00:00+08:00)`);
    }
    if (chat) throw new CliError("--clock (drill mode) runs in the shell only; add --shell");
  }
  // A drill on a fake clock keeps out of the real incident store unless told otherwise.
  const dbPath = values.db ?? (clock ? ":memory:" : config.dbPath);
  const app = createApp({ config: { ...config, dbPath }, clock: clock ?? systemClock });
  if (!chat) {
    await runShell({ app, input: process.stdin, output: process.stdout, user: values.user ?? process.env.USER ?? "you", clock, live: !clock });
    await app.close();
    return;
  }
  const running = await startChatAdapters(config, app);
  await app.engine.start();
  const stop = async () => {
    for (const r of running) await r.stop().catch(() => undefined);
    await app.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

async function main(argv: string[]): Promise<void> {
  // A .env in the working directory is read; variables already set win.
  if (existsSync(".env")) process.loadEnvFile(".env");
  const [command, ...args] = argv;
  switch (command) {
    case "classify":
      return cmdClassify(args);
    case "draft":
      return cmdDraft(args);
    case "start":
      return cmdStart(args);
    case "verify":
      return cmdVerify();
    case "discord-register":
      return cmdDiscordRegister();
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      throw new CliError(`unknown command "${command}"\n${USAGE}`);
  }
}

const KNOWN = [CliError, ConfigError, RulePackError, FactsError, IncidentError];

main(process.argv.slice(2)).catch((err: unknown) => {
  if (KNOWN.some((k) => err instanceof k) || (err as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    process.stderr.write(`warroom: ${(err as Error).message.split("\n")[0]}\n`);
    if ((err as Error).message.includes("\n")) process.stderr.write(`${(err as Error).message.split("\n").slice(1).join("\n")}\n`);
    process.exit(2);
  }
  consoleLogger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
