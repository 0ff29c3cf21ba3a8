import { randomUUID } from "node:crypto";
import { DEFAULT_SMTP_TIMEOUT_MS, type Config, type MailConfig } from "./config.js";
import { openDatabase, type Db } from "./store/db.js";
import { SqliteStore } from "./store/sqlite/store.js";
import type { Store } from "./store/sql.js";
import { loadLegacyPack, loadRulePack, type RulePack } from "./rules/pack.js";
import { loadTemplates } from "./report/templates.js";
import { IncidentService, type RulesChange } from "./incidents/service.js";
import { rulesNotice } from "./report/rules-notice.js";
import { systemClock, type Clock } from "./time/clock.js";
import type { ChatPort } from "./bot/adapter.js";
import type { Core, Logger } from "./bot/core.js";
import { Router } from "./bot/router.js";
import { Outbox } from "./countdown/outbox.js";
import { CountdownEngine } from "./countdown/engine.js";
import { renderCard, topicLine } from "./report/card.js";
import { warningRenderer } from "./report/warnings.js";
import { COMMANDS, FORM_HANDLERS } from "../commands/index.js";
import { boardLinks } from "./board/urls.js";

export interface AppOptions {
  config: Pick<Config, "dbPath" | "displayZone" | "rulesOverride" | "sweepCron" | "claimLeaseMs"> & { publicUrl?: string };
  clock?: Clock;
  /** An already open database (tests); otherwise config.dbPath is opened. */
  db?: Db;
  /** An already open store of any engine (PostgreSQL); it wins over `db` and config.dbPath. */
  store?: Store;
  log?: Logger;
  /** E-mail filing settings; without them e-mail filing explains what to set. */
  mail?: MailConfig;
  /** A drill: e-mails are shown, never sent. */
  drill?: boolean;
}

export interface App {
  core: Core;
  router: Router;
  engine: CountdownEngine;
  outbox: Outbox;
  pack: RulePack;
  /** The store every part of the core speaks through. */
  store: Store;
  /** The SQLite database behind the store; reading it on another engine throws (tests and SQLite tools only). */
  readonly db: Db;
  /** For GET /healthz: the store's engine and whether it answers. */
  health(): Promise<{ backend: string; database: boolean }>;
  /**
   * Re-judge the open incidents that other rules judged (a new release, a changed override)
   * under the rules this process applies; the launcher runs it before serving.
   */
  adoptRules(): Promise<RulesChange[]>;
  /** Register a platform's port so commands and the outbox can reach it. */
  attach(port: ChatPort): void;
  close(): Promise<void>;
}

export const consoleLogger: Logger = {
  info: (m) => console.error(`[warroom] ${m}`),
  error: (m) => console.error(`[warroom] ERROR ${m}`),
};


/** Wire the core: store, rules, service, router, countdown. Adapters attach afterwards. */
export function createApp(options: AppOptions): App {
  const pack = loadRulePack(options.config.rulesOverride);
  loadTemplates();
  const log = options.log ?? consoleLogger;
  const db = options.store ? undefined : (options.db ?? openDatabase(options.config.dbPath, { warn: (m) => log.info(m) }));
  const clock = options.clock ?? systemClock;
  const ports = new Map<string, ChatPort>();
  const store = options.store ?? new SqliteStore(db as Db);
  const service = new IncidentService(store, pack, clock, { legacyPack: () => loadLegacyPack(options.config.rulesOverride) });
  const presentOptions = () => ({ pack, displayZone: options.config.displayZone, now: clock.now().toMillis() });
  const outbox = new Outbox({
    store,
    ports,
    now: () => clock.now().toMillis(),
    bootId: randomUUID(),
    ...(options.config.claimLeaseMs ? { leaseMs: options.config.claimLeaseMs } : {}),
    log,
    cards: {
      card: async (id) => {
        const snap = await service.snapshot(id);
        return { message: renderCard(presentOptions(), snap), messageId: snap.incident.cardMessageId, topic: topicLine(presentOptions(), snap) };
      },
      cardPosted: (id, messageId) => service.setCardMessage(id, messageId),
    },
  });
  const core: Core = {
    service,
    pack,
    clock,
    displayZone: options.config.displayZone,
    ports,
    log,
    mail: options.mail ?? { to: [], timeoutMs: DEFAULT_SMTP_TIMEOUT_MS },
    drill: options.drill ?? false,
    ...(options.config.publicUrl ? { board: boardLinks(store, clock, new URL(options.config.publicUrl)) } : {}),
    flush: async () => {
      try {
        await outbox.deliver();
      } catch (err) {
        log.error(`outbox delivery failed (retried on the next sweep): ${(err as Error).message}`);
      }
    },
  };
  const router = new Router(core).register(...COMMANDS).registerForm(...FORM_HANDLERS);
  const engine = new CountdownEngine({
    sweep: { store, policy: pack.countdown, snapshot: (sql, id) => service.snapshotIn(sql, id), render: warningRenderer(presentOptions) },
    outbox,
    clock,
    cronExpression: options.config.sweepCron,
    log,
    housekeeping: () => service.pruneProcessed(24 * 3_600_000),
  });
  return {
    core,
    router,
    engine,
    outbox,
    pack,
    store,
    get db(): Db {
      if (!db) throw new Error(`the store is ${store.dialect}: there is no SQLite database behind it`);
      return db;
    },
    health: async () => ({ backend: store.dialect, database: await store.ping() }),
    adoptRules: async () => {
      const changes = await service.adoptRules((change) => rulesNotice(change, clock.now().toMillis()));
      if (changes.length) log.info(`re-judged ${changes.length} open incident(s) under ${pack.id} ${pack.version}`);
      return changes;
    },
    attach: (port) => ports.set(port.platform, port),
    close: async () => {
      await engine.stop();
      // A store or database handed in stays its owner's to close.
      if (!options.store) await store.close();
      if (db && !options.db) db.close();
    },
  };
}
