import * as lark from "@larksuiteoapi/node-sdk";
import type { App } from "../../src/app.js";
import type { FeishuConfig } from "../../src/config.js";
import type { Logger } from "../../src/bot/core.js";
import type { RunningAdapter } from "../../src/bot/adapter.js";
import { HttpServer } from "../../src/http/server.js";
import { healthRoute } from "../../src/http/health.js";
import { FeishuApi } from "./api.js";
import { FeishuPort } from "./port.js";
import { ReplyDelivery } from "./replies.js";
import { FormMemory } from "../../src/bot/form-memory.js";
import { feishuHandlers } from "./handlers.js";
import { EVENTS_PATH, FeishuReceiver } from "./receiver.js";
import { describe, FeishuError, FeishuStartError } from "./errors.js";
import { connectLongConnection } from "./ws.js";
import { sdkLogger } from "./logger.js";

export { FeishuStartError } from "./errors.js";
export { EVENTS_PATH } from "./receiver.js";

export interface FeishuStartOptions {
  app: App;
  config: FeishuConfig;
  /** The process's HTTP server: /feishu/events is mounted on it. Without one the adapter listens on `port` itself. */
  http?: HttpServer;
  port?: number;
  host?: string;
  log: Logger;
  /** Tests shorten the rate-limit waits and the form answer budget. */
  maxWaitMs?: number;
  submitBudgetMs?: number;
}

export type RunningFeishu = RunningAdapter & {
  address?: { host: string; port: number };
};

export const FEISHU_API_URL = "https://open.feishu.cn";

/** A hung Feishu must not hold a command forever; the SDK's axios instance has no timeout of its own. */
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Start the Feishu adapter: the SDK's client for the Open Platform, its event dispatcher
 * behind our receiver (HTTP) or its long connection (ws). The bot's identity is read first,
 * which checks the app's credentials: a wrong secret stops the start with one line.
 */
export async function startFeishu(o: FeishuStartOptions): Promise<RunningFeishu> {
  const { config } = o;
  if (config.eventMode === "http" && !config.encryptKey) {
    throw new FeishuStartError("Feishu over HTTP needs FEISHU_ENCRYPT_KEY: without it events arrive unsigned and in clear");
  }
  if (lark.defaultHttpInstance.defaults.timeout === undefined || lark.defaultHttpInstance.defaults.timeout === 0) {
    lark.defaultHttpInstance.defaults.timeout = REQUEST_TIMEOUT_MS;
  }
  // axios would otherwise send Feishu calls to an HTTP(S)_PROXY meant for Slack and Discord,
  // as plain requests to the proxy rather than a tunnel: Feishu is reached directly.
  lark.defaultHttpInstance.defaults.proxy = false;
  const domain = (config.apiUrl ?? FEISHU_API_URL).replace(/\/+$/, "");
  const logger = sdkLogger(o.log);
  const client = new lark.Client({
    appId: config.appId,
    appSecret: config.appSecret,
    domain,
    // Each adapter its own token cache: the SDK's default is one map shared by the process.
    cache: new lark.DefaultCache(),
    logger,
    // Failed calls are reported once, by FeishuApi, without the request body the SDK would log.
    loggerLevel: lark.LoggerLevel.fatal,
  });
  const api = new FeishuApi(client, { log: o.log, ...(o.maxWaitMs !== undefined ? { maxWaitMs: o.maxWaitMs } : {}) });
  let bot: { openId: string };
  try {
    bot = await api.botInfo();
  } catch (err) {
    const where = `Feishu at ${domain}${config.apiUrl ? " (FEISHU_API_URL)" : ""}`;
    if (err instanceof FeishuError && err.code !== undefined) throw new FeishuStartError(`${where} refused the app (FEISHU_APP_ID/FEISHU_APP_SECRET): code ${err.code} ${err.feishuMessage}`);
    throw new FeishuStartError(`cannot use ${where}: ${describe(err)}`);
  }

  const port = new FeishuPort(api, { responderIds: config.responderIds, urgent: config.urgent, log: o.log });
  // In the shared store: a form refused on one replica comes back refilled from any other.
  const forms = new FormMemory(o.app.store);
  const delivery = new ReplyDelivery({ api, port, forms, log: o.log });
  const firstSeen = (key: string) => o.app.core.service.markProcessed(key);
  const gate = { verificationToken: config.verificationToken, firstSeen };
  const dispatcher = new lark.EventDispatcher({ encryptKey: config.encryptKey, verificationToken: config.verificationToken, logger, loggerLevel: lark.LoggerLevel.warn });
  dispatcher.register(
    feishuHandlers({
      router: o.app.router,
      delivery,
      forms,
      log: o.log,
      botOpenId: bot.openId,
      ...(config.eventMode === "ws" ? { gate } : {}),
      ...(o.submitBudgetMs !== undefined ? { submitBudgetMs: o.submitBudgetMs } : {}),
    }),
  );
  o.app.attach(port);

  if (config.eventMode === "ws") {
    const ws = await connectLongConnection({ appId: config.appId, appSecret: config.appSecret, domain, dispatcher, logger });
    o.log.info(`Feishu adapter connected over the long connection as ${bot.openId}`);
    return { port, health: () => ({ events: ws.state() }), stop: async () => ws.close() };
  }

  const receiver = new FeishuReceiver({ encryptKey: config.encryptKey as string, verificationToken: config.verificationToken, firstSeen, dispatcher, log: o.log });
  const own = o.http ? undefined : new HttpServer((m) => o.log.error(m)).mount(healthRoute(() => o.app.health()));
  const http = o.http ?? (own as HttpServer);
  http.mount(receiver.route());
  let address: { host: string; port: number } | undefined;
  if (own) {
    const bound = await own.listen(o.port ?? 0, o.host);
    address = { host: bound.address, port: bound.port };
  }
  o.log.info(`Feishu adapter serving ${EVENTS_PATH}${address ? ` on ${address.host}:${address.port}` : ""}`);
  return { port, address, stop: async () => own?.close() };
}
