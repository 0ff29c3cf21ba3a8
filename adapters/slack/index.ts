import { App as BoltApp, SocketModeReceiver, type Receiver, type webApi } from "@slack/bolt";
import type { App } from "../../src/app.js";
import type { Config } from "../../src/config.js";
import type { Logger } from "../../src/bot/core.js";
import type { RunningAdapter } from "../../src/bot/adapter.js";
import { EVENTS_PATH, GuardedReceiver } from "./receiver.js";
import { HttpServer } from "../../src/http/server.js";
import { healthRoute } from "../../src/http/health.js";
import { boltLogger } from "./logger.js";
import { SlackPort } from "./port.js";
import { ReplyDelivery } from "./replies.js";
import { registerHandlers } from "./handlers.js";
import { proxiedFetch, rateLimitRetries } from "./transport.js";
import { checkSlackAuth, SLACK_AUTH_TIMEOUT_MS } from "./auth-check.js";

export { SlackStartError } from "./auth-check.js";

export interface SlackStartOptions {
  app: App;
  config: NonNullable<Config["slack"]>;
  /**
   * The process's HTTP server (the launcher's): the adapter mounts /slack/events on it and
   * the owner listens. Without one the adapter listens on `port` itself, with /healthz.
   */
  http?: HttpServer;
  port: number;
  host?: string;
  httpsProxy?: string;
  log: Logger;
  /** How long the start-up token check waits for Slack (default 10 s). */
  authTimeoutMs?: number;
}

export type RunningSlack = RunningAdapter & {
  /** The bound address when the adapter listens itself (without a shared HTTP server). */
  address?: { host: string; port: number };
};

const DEFAULT_API_URL = "https://slack.com/api/";

/**
 * Start the Slack adapter: Bolt over HTTP (signed requests, replay guard) or Socket Mode
 * when an app-level token is configured; the ChatPort is attached to the core before the
 * first request can arrive.
 */
export async function startSlack(o: SlackStartOptions): Promise<RunningSlack> {
  const { config } = o;
  const proxy = o.httpsProxy ? proxiedFetch(o.httpsProxy) : undefined;
  const logger = boltLogger(o.log);
  const clientOptions: webApi.WebClientOptions = {
    slackApiUrl: config.apiUrl ?? DEFAULT_API_URL,
    retryConfig: rateLimitRetries(),
    ...(proxy ? { fetch: proxy.fetch } : {}),
  };
  const firstSeen = (key: string) => o.app.core.service.markProcessed(key);

  try {
    return await start(o, { logger, clientOptions, firstSeen, proxy });
  } catch (err) {
    await proxy?.close();
    throw err;
  }
}

interface Transport {
  logger: ReturnType<typeof boltLogger>;
  clientOptions: webApi.WebClientOptions;
  firstSeen(key: string): Promise<boolean>;
  proxy?: ReturnType<typeof proxiedFetch>;
}

async function start(o: SlackStartOptions, t: Transport): Promise<RunningSlack> {
  const { config } = o;
  const { logger, clientOptions, firstSeen, proxy } = t;
  let receiver: Receiver;
  let guarded: GuardedReceiver | undefined;
  if (config.appToken) {
    receiver = new SocketModeReceiver({ appToken: config.appToken, logger, installerOptions: { clientOptions } });
  } else {
    if (!config.signingSecret) throw new Error("Slack over HTTP needs SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)");
    guarded = new GuardedReceiver({ signingSecret: config.signingSecret, logger, firstSeen });
    receiver = guarded;
  }

  // The token check (auth.test) happens here, once and bounded in time: a bad token, an
  // unreachable Slack or a silent one fails the start with one line (SlackStartError). Bolt
  // gets the bot's identity from it and does not check again.
  const identity = await checkSlackAuth({
    token: config.botToken,
    apiUrl: clientOptions.slackApiUrl ?? DEFAULT_API_URL,
    apiUrlConfigured: Boolean(config.apiUrl),
    timeoutMs: o.authTimeoutMs ?? SLACK_AUTH_TIMEOUT_MS,
    fetch: proxy?.fetch,
  });
  const bolt = new BoltApp({
    token: config.botToken,
    ...identity,
    tokenVerificationEnabled: false,
    receiver,
    logger,
    clientOptions,
    convoStore: false,
    deferInitialization: true,
  });
  await bolt.init();
  const port = new SlackPort(bolt.client, { responderIds: config.responderIds, privateChannels: config.privateChannels, log: o.log });
  const zone = o.app.pack.authority_zone;
  registerHandlers(bolt, {
    router: o.app.router,
    delivery: new ReplyDelivery({ client: bolt.client, port, zone, log: o.log }),
    zone,
    log: o.log,
    firstSeen,
  });
  o.app.attach(port);

  const own = o.http ? undefined : new HttpServer((m) => o.log.error(m)).mount(healthRoute(() => o.app.health()));
  const http = o.http ?? (own as HttpServer);
  if (guarded) http.mount(guarded.route());
  else await bolt.start();
  let address: { host: string; port: number } | undefined;
  if (own) {
    const bound = await own.listen(o.port, o.host).catch(async (err: unknown) => {
      if (!guarded) await bolt.stop();
      throw err;
    });
    address = { host: bound.address, port: bound.port };
  }
  o.log.info(`Slack adapter ${guarded ? `serving ${EVENTS_PATH}${address ? ` on ${address.host}:${address.port}` : ""}` : "connected over Socket Mode"}`);

  return {
    port,
    address,
    stop: async () => {
      if (!guarded) await bolt.stop();
      await own?.close();
      await proxy?.close();
    },
  };
}
