#!/usr/bin/env node
/**
 * The launcher: the one place where the core meets the adapters. Subcommands:
 *   warroom start [--shell] [--clock <ISO>] [--db <file>] [--user <name>] [--files <dir>]
 *   warroom classify [FILE|-]
 *   warroom draft <incident-id> [--lang zh|en|both] [--format md|text|json|docx|pdf] [--kind …] [--out FILE]
 *   warroom verify [--db <file>] [--head] [--expect-head <events>:<hash>]
 *   warroom repair-schema [--db <file>]
 *   warroom board [--db <file>] | warroom board --link <user> [--platform shell|slack|discord|feishu] [--name <name>]
 *   warroom rules [show [<sha256>] [--out FILE]] | warroom rules list   (the rule packs applied and recorded)
 *   warroom discord-register
 * start, draft, verify and board use --db, else WARROOM_DB, else .warroom/warroom.db.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadBoardConfig, loadConfig, loadDbPath, loadRulesOverride, ConfigError, DEFAULT_DB_PATH, type Config } from "../src/config.js";
import { loadLegacyPack, loadRulePack, RulePackError } from "../src/rules/pack.js";
import { parseFacts, FactsError } from "../src/rules/facts.js";
import { classify } from "../src/rules/classify.js";
import { describeRules, packRecord, rulesIdentity } from "../src/rules/identity.js";
import { allPacks, incidentsPerPack, packBySha } from "../src/store/repos/rules.js";
import { classificationNotes } from "../src/report/reasons.js";
import { assertConsistent } from "../src/rules/conflicts.js";
import { SqliteStore } from "../src/store/sqlite/store.js";
import { isPostgresUrl, openStore } from "../src/store/open.js";
import { openDatabase, openUnmigrated, StoreError, type Db, type OpenOptions } from "../src/store/db.js";
import { IncidentService, IncidentError } from "../src/incidents/service.js";
import { isInFuture, systemClock, FakeClock } from "../src/time/clock.js";
import { buildDraft, nextReportKind, renderDraft, type DraftFormat } from "../src/report/draft.js";
import { documentContext, FILE_FORMATS, isFileFormat, renderDocument } from "../src/report/documents.js";
import { loadTemplates } from "../src/report/templates.js";
import { formatHead, matchesHeadIn, parseHead, walkChainIn } from "../src/incidents/timeline.js";
import { declareVersion, olderSchemaNote, schemaProblem, schemaState } from "../src/store/schema.js";
import { integrityProblems } from "../src/store/repos/integrity.js";
import type { Store } from "../src/store/sql.js";
import { crossCheck, describeFinding } from "../src/incidents/replay.js";
import { createApp, consoleLogger } from "../src/app.js";
import type { RunningAdapter } from "../src/bot/adapter.js";
import { SUBMISSION_KINDS, type SubmissionKind } from "../src/incidents/model.js";
import { runShell } from "../adapters/shell/index.js";
import { HttpServer } from "../src/http/server.js";
import { healthRoute, HEALTH_PATH } from "../src/http/health.js";
import { createBoard, type Board } from "../src/board/index.js";
import { openChangeFeed } from "../src/board/live/open.js";
import { boardLinks } from "../src/board/urls.js";
import type { ChatPort } from "../src/bot/adapter.js";
import type { ChannelLinks } from "../src/board/view.js";
import { parseLinkRequest } from "../src/board/link-request.js";

/** Where the shell writes Word and PDF reports unless --files says otherwise. */
const DEFAULT_FILES_DIR = ".warroom/files";

/** Bad input: one line on stderr, exit 2 (the CLI contract). */
class CliError extends Error {}

const USAGE = `usage:
  warroom start [--shell] [--clock <ISO time>] [--db <file>] [--user <name>] [--files <dir>]
  warroom classify [FILE|-]
  warroom draft <incident-id> [--lang zh|en|both] [--format md|text|json|docx|pdf] [--kind initial|supplementary|update|final] [--out FILE] [--db <file>]
  warroom verify [--db <file>] [--head] [--expect-head <events>:<hash>]
  warroom repair-schema [--db <file>]
  warroom board [--db <file>]
  warroom board --link <user id> [--platform shell|slack|discord|feishu] [--name <display name>] [--db <file>]
  warroom rules show [<sha256>] [--out FILE] [--db <file>]
  warroom rules list [--db <file>]
  warroom discord-register`;

function readInput(file: string | undefined): string {
  try {
    return readFileSync(!file || file === "-" ? 0 : file, "utf8");
  } catch (err) {
    throw new CliError(`cannot read ${file ?? "standard input"}: ${(err as Error).message}`);
  }
}

/** The database a subcommand works on, and what named it (for error lines). */
interface DbTarget {
  path: string;
  from?: "--db" | "WARROOM_DB";
}

function dbTarget(flag: string | undefined): DbTarget {
  if (flag !== undefined) {
    if (!flag.trim()) throw new CliError("--db takes a file name");
    return { path: flag, from: "--db" };
  }
  const env = loadDbPath();
  return env ? { path: env, from: "WARROOM_DB" } : { path: DEFAULT_DB_PATH };
}

/** A StoreError as one line: "no database at …" as is, anything else naming where the path came from. */
function storeFailure(err: unknown, target: DbTarget): unknown {
  if (!(err instanceof StoreError)) return err;
  return new CliError(err.kind === "missing" || !target.from ? err.message : `${target.from}: ${err.message}`);
}

function openDb(target: DbTarget, options: OpenOptions): Db {
  try {
    return openDatabase(target.path, options);
  } catch (err) {
    throw storeFailure(err, target);
  }
}

function cmdClassify(args: string[]): void {
  if (args.length > 1) throw new CliError("classify takes one FILE (or - for standard input)");
  const option = args.find((a) => a.startsWith("-") && a !== "-");
  if (option) throw new CliError(`classify takes no option "${option.slice(0, 40)}"\n${USAGE}`);
  const pack = loadRulePack(loadRulesOverride());
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
  const result = { ...classify(pack, facts), rules: rulesIdentity(pack), notes: classificationNotes(facts) };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

const DRAFT_FORMATS = ["md", "text", "json", ...FILE_FORMATS] as const;

/** Write a draft or document where --out says; a path that cannot be written is one line, exit 2. */
function writeOut(path: string, content: string | Uint8Array): void {
  try {
    writeFileSync(path, content);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new CliError(`--out ${path.slice(0, 200)}: cannot write (${e.code ?? e.message.split("\n")[0]})`);
  }
}

async function cmdDraft(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { lang: { type: "string", default: "both" }, format: { type: "string", default: "md" }, kind: { type: "string" }, db: { type: "string" }, out: { type: "string" } },
  });
  const [idText, ...extra] = positionals;
  if (!idText || extra.length) throw new CliError("draft takes one incident id");
  const id = Number(idText.replace(/^#/, ""));
  if (!Number.isInteger(id) || id <= 0) throw new CliError(`"${idText.slice(0, 40)}" is not an incident id`);
  const lang = values.lang as string;
  if (lang !== "zh" && lang !== "en" && lang !== "both") throw new CliError("--lang takes zh, en or both");
  const format = values.format as string;
  if (!(DRAFT_FORMATS as readonly string[]).includes(format)) throw new CliError(`--format takes ${DRAFT_FORMATS.join(", ")}`);
  if (values.kind && !(SUBMISSION_KINDS as readonly string[]).includes(values.kind)) throw new CliError(`--kind takes ${SUBMISSION_KINDS.join(", ")}`);
  if (values.out !== undefined && !values.out.trim()) throw new CliError("--out takes a file name");
  const override = loadRulesOverride();
  const pack = loadRulePack(override);
  const target = dbTarget(values.db);
  const store = await openTargetStore(target);
  try {
    const service = new IncidentService(store, pack, systemClock, { legacyPack: () => loadLegacyPack(override) });
    const snap = await service.snapshot(id);
    const t = loadTemplates();
    const draft = buildDraft(pack, t, snap, (values.kind as SubmissionKind | undefined) ?? nextReportKind(snap), systemClock.now());
    if (isFileFormat(format)) {
      const file = await renderDocument(draft, t, { format, lang, context: await documentContext(service, snap) });
      // A binary document never goes to the terminal: without --out it gets its default name here.
      const path = values.out ?? file.filename;
      writeOut(path, file.content);
      process.stdout.write(`${path}\n`);
      return;
    }
    const text = `${renderDraft(draft, t, { lang, format: format as DraftFormat })}\n`;
    if (values.out === undefined) process.stdout.write(text);
    else writeOut(values.out, text);
  } finally {
    await store.close();
  }
}

/** The store `verify` reads: opened for reading only, nothing migrated. */
async function openForVerify(target: DbTarget): Promise<Store> {
  if (isPostgresUrl(target.path)) return openStore(target.path, { migrate: false });
  return new SqliteStore(openDb(target, { readonly: true }));
}

/** A damaged database file makes SQLite throw where it reads a broken page: that is a finding, not a crash. */
function damaged(err: unknown): string | undefined {
  const code = String((err as { code?: unknown } | null)?.code ?? "");
  if (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB" || code === "SQLITE_IOERR") return `database DAMAGED: ${(err as Error).message.split("\n")[0]} (restore it from a backup)`;
  return undefined;
}

/**
 * The engine's own integrity check, the schema (what the database says against what its
 * tables are), the hash chain and its stored head (and a head kept elsewhere, if given), then
 * the replay of the timeline against the tables, on either engine. The database is opened for
 * reading only: verifying changes nothing. Exit 1 on the first problem, in one line: a check
 * that cannot be made is a problem too, never a pass.
 */
async function cmdVerify(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { db: { type: "string" }, head: { type: "boolean", default: false }, "expect-head": { type: "string" } },
  });
  if (positionals.length) throw new CliError(`verify takes no arguments (got "${positionals[0]}")`);
  const expectText = values["expect-head"];
  const expected = expectText === undefined ? undefined : parseHead(expectText);
  if (expectText !== undefined && !expected) throw new CliError("--expect-head takes <events>:<hash>, as printed by warroom verify --head");
  // Incidents name the packs that judged them, held in the database; those that name none were
  // judged before packs were recorded, under the release of then (with the deployment's override).
  const legacy = loadLegacyPack(loadRulesOverride());
  const store = await openForVerify(dbTarget(values.db));
  const fail = (line: string) => {
    process.stdout.write(`${line}\n`);
    process.exitCode = 1;
  };
  try {
    // One snapshot for every check, so replicas writing meanwhile cannot make them disagree.
    await store.read(async (sql) => {
      const [damage, ...more] = await integrityProblems(sql);
      if (damage) return fail(`database DAMAGED: ${damage}${more.length ? ` (and more)` : ""} (restore it from a backup)`);
      const schema = await schemaState(sql);
      const { check, head } = await walkChainIn(sql, schema.headKept);
      if (!check.ok) return fail(`timeline BROKEN at event ${check.brokenAt}: ${check.reason}`);
      if (expected) {
        const match = await matchesHeadIn(sql, expected);
        if (!match.ok) return fail(`timeline does NOT match the expected head: ${match.reason}`);
      }
      const problem = schemaProblem(schema);
      if (problem) return fail(`${problem}; timeline intact: ${check.events} events${schema.headKept ? "" : " (no head stored)"}`);
      const older = olderSchemaNote(schema);
      if (older) {
        process.stdout.write(values.head ? `${formatHead(head)}\n` : `timeline intact: ${check.events} events; ${expected ? `it includes the expected head (${expected.events} events); ` : ""}${older}\n`);
        return;
      }
      let state: Awaited<ReturnType<typeof crossCheck>>;
      try {
        state = await crossCheck(sql, legacy);
      } catch (err) {
        if (damaged(err)) throw err;
        return fail(`state could not be checked: ${(err as Error).message.split("\n")[0]}`);
      }
      const [first, ...others] = state.findings;
      if (first) return fail(`state MISMATCH: ${describeFinding(first)}${others.length ? ` (and ${others.length} more)` : ""}`);
      if (values.head) {
        process.stdout.write(`${formatHead(head)}\n`);
        return;
      }
      const notes = [`state of ${state.incidents} incident${state.incidents === 1 ? "" : "s"} matches it`];
      if (expected) notes.push(`it includes the expected head (${expected.events} events)`);
      process.stdout.write(`timeline intact: ${check.events} events; ${notes.join("; ")}\n`);
    });
  } catch (err) {
    const line = damaged(err);
    if (!line) throw err;
    fail(line);
  } finally {
    await store.close();
  }
}

/**
 * `warroom repair-schema`: a database whose schema version was changed outside warroom (its
 * tables are another version's) is set back to the version its tables are, so that `start`
 * migrates it from there and `verify` checks it again. Nothing else is changed.
 */
async function cmdRepairSchema(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { db: { type: "string" } } });
  if (positionals.length) throw new CliError(`repair-schema takes no arguments (got "${positionals[0]?.slice(0, 40)}")`);
  const target = dbTarget(values.db);
  const store = isPostgresUrl(target.path) ? await openStore(target.path, { migrate: false }) : new SqliteStore(openDb(target, { readonly: true }));
  let state: Awaited<ReturnType<typeof schemaState>>;
  try {
    state = await store.read((sql) => schemaState(sql));
  } finally {
    await store.close();
  }
  if (state.tables === null) throw new CliError("the tables match no warroom schema: nothing to set back; restore the database from a backup");
  if (state.tables === state.declared && state.contiguous) {
    process.stdout.write(`schema ${state.declared}: the version already matches the tables; nothing changed\n`);
    return;
  }
  let raw: Db | undefined;
  try {
    raw = isPostgresUrl(target.path) ? undefined : openUnmigrated(target.path);
  } catch (err) {
    throw storeFailure(err, target);
  }
  const writable = raw ? new SqliteStore(raw) : await openStore(target.path, { migrate: false });
  try {
    await writable.tx((sql) => declareVersion(sql, state.tables as number));
  } finally {
    await writable.close();
    raw?.close();
  }
  process.stdout.write(`schema version set to ${state.tables} (the database said ${state.declared}); run warroom verify\n`);
}

/** Loaded only when configured, so the shell starts without the chat libraries. */
async function startChatAdapters(config: Config, app: ReturnType<typeof createApp>, http: HttpServer): Promise<RunningAdapter[]> {
  const running: RunningAdapter[] = [];
  try {
    if (config.slack) {
      const { startSlack, SlackStartError } = await import("../adapters/slack/index.js");
      try {
        running.push(await startSlack({ app, config: config.slack, http, port: config.port, httpsProxy: config.httpsProxy, log: consoleLogger }));
      } catch (err) {
        throw err instanceof SlackStartError ? new CliError(err.message) : err;
      }
    }
    if (config.feishu) {
      const { startFeishu, FeishuStartError } = await import("../adapters/feishu/index.js");
      try {
        running.push(await startFeishu({ app, config: config.feishu, http, log: consoleLogger }));
      } catch (err) {
        throw err instanceof FeishuStartError ? new CliError(err.message) : err;
      }
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

function adapterHealth(running: RunningAdapter[]): Record<string, Record<string, string | boolean>> {
  return Object.fromEntries(running.flatMap((r) => (r.health ? [[r.port.platform, r.health()]] : [])));
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
    options: { shell: { type: "boolean", default: false }, clock: { type: "string" }, db: { type: "string" }, user: { type: "string" }, files: { type: "string" } },
  });
  if (values.files !== undefined && !values.files.trim()) throw new CliError("--files takes a folder");
  const config = loadConfig();
  const chat = Boolean(config.slack || config.discord || config.feishu) && !values.shell;
  let clock: FakeClock | undefined;
  if (values.clock) {
    try {
      clock = new FakeClock(values.clock);
    } catch {
      throw new CliError(`--clock ${values.clock}: not an ISO-8601 time (e.g. 2026-03-02T09:00:00+08:00)`);
    }
    if (chat) throw new CliError("--clock (drill mode) runs in the shell only; add --shell");
  }
  // A drill on a fake clock never writes to a real incident store: its filings were never sent.
  if (clock && values.db !== undefined) throw new CliError("--clock (a drill) runs on a throwaway database and never writes to a real one: leave out --db");
  const target: DbTarget = clock ? { path: ":memory:" } : dbTarget(values.db);
  let app: ReturnType<typeof createApp>;
  // PostgreSQL: every replica opens the same database; the store migrates it under a lock.
  const store = isPostgresUrl(target.path) ? await openStore(target.path) : undefined;
  try {
    app = createApp({ config: { ...config, dbPath: target.path }, clock: clock ?? systemClock, store, mail: config.mail, drill: clock !== undefined });
  } catch (err) {
    await store?.close();
    throw storeFailure(err, target);
  }
  const closeApp = async () => {
    await app.close();
    await store?.close();
  };
  // Before anything is served: open incidents judged under other rules are judged again under these.
  try {
    await app.adoptRules();
  } catch (err) {
    await closeApp();
    throw err;
  }
  if (!chat) {
    await runShell({ app, input: process.stdin, output: process.stdout, user: values.user ?? process.env.USER ?? "you", clock, live: !clock, filesDir: values.files ?? DEFAULT_FILES_DIR });
    await closeApp();
    return;
  }
  // One HTTP server per process: the platforms' callbacks, the health check and the board share PORT.
  const http = new HttpServer((m) => consoleLogger.error(m));
  const running = await startChatAdapters(config, app, http);
  http.mount(healthRoute(async () => ({ ...(await app.health()), adapters: adapterHealth(running) })));
  let board: Board | undefined;
  try {
    board = await mountBoard(http, app.core.service, app.core.ports, config, target.path);
    const bound = await http.listen(config.port);
    const routes = [HEALTH_PATH, ...(config.slack && !config.slack.appToken ? ["/slack/events"] : []), ...(config.feishu?.eventMode === "http" ? ["/feishu/events"] : []), "/board"];
    consoleLogger.info(`HTTP on port ${bound.port}: ${routes.join(", ")}`);
  } catch (err) {
    await board?.close();
    for (const r of running) await r.stop().catch(() => undefined);
    await closeApp();
    throw new CliError(`cannot listen on port ${config.port}: ${(err as Error).message}`);
  }
  await app.engine.start();
  const stop = async () => {
    await board?.close();
    await http.close();
    for (const r of running) await r.stop().catch(() => undefined);
    await closeApp();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

/** Links from the board to an incident's channel, where the platform has a web address for one. */
function channelLinks(config: Pick<Config, "slack" | "discord">): ChannelLinks {
  return (platform, channelId) => {
    const id = encodeURIComponent(channelId);
    if (platform === "slack") return `https://slack.com/app_redirect?channel=${id}`;
    if (platform === "discord" && config.discord?.guildId) return `https://discord.com/channels/${encodeURIComponent(config.discord.guildId)}/${id}`;
    return undefined;
  };
}

async function mountBoard(
  http: HttpServer,
  service: IncidentService,
  ports: ReadonlyMap<string, ChatPort>,
  config: Pick<Config, "publicUrl" | "displayZone" | "boardAll"> & Partial<Pick<Config, "slack" | "discord">>,
  location: string,
): Promise<Board> {
  const feed = await openChangeFeed(service.store, location, (m) => consoleLogger.error(m));
  const board = createBoard({
    service,
    ports,
    publicUrl: new URL(config.publicUrl),
    displayZone: config.displayZone,
    feed,
    channelLink: channelLinks(config),
    seeAll: config.boardAll,
    log: (m) => consoleLogger.error(m),
  });
  http.mount(board.route);
  return board;
}

async function openTargetStore(target: DbTarget) {
  return isPostgresUrl(target.path) ? openStore(target.path) : new SqliteStore(openDb(target, { mustExist: true }));
}

/**
 * `warroom board`: the board alone on PORT, on the same database as the bot (a shell-only
 * or read-only deployment). `--link` prints a sign-in link instead, for a user who has no
 * chat to type /incident board in.
 */
async function cmdBoard(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { db: { type: "string" }, link: { type: "string", multiple: true }, platform: { type: "string", multiple: true }, name: { type: "string", multiple: true } },
    allowPositionals: true,
  });
  if (positionals.length) throw new CliError(`board takes no arguments (got "${positionals[0]?.slice(0, 40)}")\n${USAGE}`);
  // One link for one user: a second --link (or --platform, --name) is a mistake, not an override.
  const once = (name: "link" | "platform" | "name"): string | undefined => {
    const given = values[name];
    if (given && given.length > 1) throw new CliError(`--${name} is given ${given.length} times: one link is for one user`);
    return given?.[0];
  };
  const link = once("link");
  const platform = once("platform");
  const name = once("name");
  const config = loadBoardConfig();
  const target = dbTarget(values.db);
  if (link === undefined) {
    if (platform !== undefined || name !== undefined) throw new CliError("--platform and --name go with --link");
    return serveBoard(config, target);
  }
  const parsed = parseLinkRequest({ user: link, platform, name });
  if (!parsed.success) throw new CliError(parsed.error);
  const store = await openTargetStore(target);
  try {
    const link = await boardLinks(store, systemClock, new URL(config.publicUrl)).link({ platform: parsed.data.platform, userId: parsed.data.user, name: parsed.data.name ?? null, zone: null });
    process.stdout.write(`${link}\n`);
  } finally {
    await store.close();
  }
}

async function serveBoard(config: ReturnType<typeof loadBoardConfig>, target: DbTarget): Promise<void> {
  const pack = loadRulePack(config.rulesOverride);
  loadTemplates();
  const store = await openTargetStore(target);
  const service = new IncidentService(store, pack, systemClock, { legacyPack: () => loadLegacyPack(config.rulesOverride) });
  const http = new HttpServer((m) => consoleLogger.error(m));
  http.mount(healthRoute(async () => ({ backend: store.dialect, database: await store.ping() })));
  let board: Board | undefined;
  try {
    board = await mountBoard(http, service, new Map(), config, target.path);
    const bound = await http.listen(config.port);
    consoleLogger.info(`board on port ${bound.port} (${config.publicUrl}/board); sign-in links: warroom board --link <user>`);
  } catch (err) {
    await board?.close();
    await store.close();
    throw new CliError(`cannot serve the board on port ${config.port}: ${(err as Error).message}`);
  }
  const stop = async () => {
    await board?.close();
    await http.close();
    await store.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

/**
 * `warroom rules`: under which rules was this decided? `show` prints a pack's exact JSON: one
 * recorded in the database, by its hash (or a prefix of 12 or more, as cards show it), or
 * without a hash the pack this warroom applies now. The SHA-256 is of that text as printed,
 * without the final line break (`--out` writes it byte for byte). `list` names every pack the
 * database holds and how many incidents each judges.
 */
async function cmdRules(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { db: { type: "string" }, out: { type: "string" } } });
  const [verb = "show", ref, ...extra] = positionals;
  if (extra.length) throw new CliError(`rules ${verb} takes at most one hash\n${USAGE}`);
  const current = loadRulePack(loadRulesOverride());
  if (verb === "show" && ref === undefined) {
    if (values.db !== undefined) throw new CliError("rules show without a hash prints the rules this warroom applies; --db goes with a hash");
    return writeRules(packRecord(current).content, values.out);
  }
  if (verb === "show") {
    const wanted = (ref ?? "").toLowerCase();
    if (!/^[0-9a-f]{12,64}$/.test(wanted)) throw new CliError(`"${(ref ?? "").slice(0, 70)}" is not a rule pack hash (12 to 64 hex digits, as warroom rules list prints them)`);
    const store = await openTargetStore(dbTarget(values.db));
    try {
      const rows = await store.read(async (sql) => (wanted.length === 64 ? [await packBySha(sql, wanted)].filter((r) => r !== undefined) : (await allPacks(sql)).filter((r) => r.sha256.startsWith(wanted))));
      if (rows.length > 1) throw new CliError(`${wanted} is the start of ${rows.length} recorded packs: give more of the hash`);
      const row = rows[0];
      if (row) return writeRules(row.content, values.out);
      if (rulesIdentity(current).sha256.startsWith(wanted)) return writeRules(packRecord(current).content, values.out);
      throw new CliError(`no rule pack ${wanted} is recorded in ${store.location}`);
    } finally {
      await store.close();
    }
  }
  if (verb !== "list" || ref !== undefined || values.out !== undefined) throw new CliError(`unknown rules subcommand "${verb.slice(0, 40)}"\n${USAGE}`);
  const store = await openTargetStore(dbTarget(values.db));
  try {
    const { rows, counts } = await store.read(async (sql) => ({ rows: await allPacks(sql), counts: await incidentsPerPack(sql) }));
    const judges = (sha: string | null) => {
      const c = counts.get(sha) ?? { open: 0, closed: 0 };
      return `judges ${c.open} open and ${c.closed} closed incident(s)`;
    };
    const lines = rows.map((r) => `${r.sha256}  ${r.pack_id} ${r.version}  recorded ${r.recorded_at}  from ${r.origin}  ${judges(r.sha256)}${r.sha256 === rulesIdentity(current).sha256 ? "  (applied now)" : ""}`);
    if (!rows.some((r) => r.sha256 === rulesIdentity(current).sha256)) lines.push(`${describeRules(rulesIdentity(current))}  applied now, not yet recorded (nothing judged under it yet)`);
    if (counts.has(null)) lines.push(`(none recorded)  ${judges(null)}: judged before rule packs were recorded, under ${describeRules(rulesIdentity(loadLegacyPack(loadRulesOverride())))}`);
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    await store.close();
  }
}

function writeRules(content: string, out: string | undefined): void {
  if (out === undefined) process.stdout.write(`${content}\n`);
  else {
    if (!out.trim()) throw new CliError("--out takes a file name");
    writeOut(out, content);
  }
}

async function main(argv: string[]): Promise<void> {
  // A .env in the working directory is read; variables already set win.
  if (existsSync(".env")) {
    try {
      process.loadEnvFile(".env");
    } catch (err) {
      throw new CliError(`cannot read .env: ${(err as Error).message.split("\n")[0]}`);
    }
  }
  const [command, ...args] = argv;
  switch (command) {
    case "classify":
      return cmdClassify(args);
    case "draft":
      return cmdDraft(args);
    case "start":
      return cmdStart(args);
    case "verify":
      return cmdVerify(args);
    case "repair-schema":
      return cmdRepairSchema(args);
    case "board":
      return cmdBoard(args);
    case "rules":
      return cmdRules(args);
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
  if (KNOWN.some((k) => err instanceof k) || String((err as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS_")) {
    process.stderr.write(`warroom: ${(err as Error).message.split("\n")[0]}\n`);
    if ((err as Error).message.includes("\n")) process.stderr.write(`${(err as Error).message.split("\n").slice(1).join("\n")}\n`);
    process.exit(2);
  }
  consoleLogger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
