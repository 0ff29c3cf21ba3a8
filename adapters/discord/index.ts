import { once } from "node:events";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { Client, Events, GatewayIntentBits, REST, Routes } from "discord.js";
import type { App } from "../../src/app.js";
import type { Config } from "../../src/config.js";
import type { Logger } from "../../src/bot/core.js";
import type { RunningAdapter } from "../../src/bot/adapter.js";
import { LeaseKeeper } from "../../src/cluster/lease.js";
import { DiscordPort } from "./port.js";
import { FormStore } from "./modals.js";
import { InteractionHandler } from "./interactions.js";
import { restSetup } from "./rest.js";

/** The lease in the shared store: one gateway session per bot across all replicas (two bots on one database each hold their own). */
export function gatewayLease(botId: string): string {
  return `discord-gateway:${botId}`;
}

export interface DiscordStartOptions {
  app: App;
  config: NonNullable<Config["discord"]>;
  httpsProxy?: string;
  log: Logger;
  /** Tests shorten the wait before an interaction is deferred. */
  deferAfterMs?: number;
  /**
   * The gateway lease: a replica that stops renewing loses it after `ttlMs`, and standbys
   * try every `everyMs` (defaults 20 s and 5 s: takeover within 25 s of a crash).
   */
  gatewayLease?: { ttlMs: number; everyMs: number };
}

const meSchema = z.object({ id: z.string(), username: z.string() });

export type RunningDiscord = RunningAdapter & {
  /** Whether this replica holds the gateway session (receives the interactions). */
  readonly holdsGateway: boolean;
};

/**
 * Start the Discord adapter. REST (posting warnings, editing cards) runs on every replica;
 * the gateway session, which receives the interactions, runs on one replica at a time,
 * the holder of a lease in the shared store: two sessions would each receive every
 * interaction and answer it twice. Only the Guilds intent: slash commands, buttons and
 * modals arrive without privileged intents, and it keeps channels, roles and permission
 * overwrites in discord.js' cache for the membership check.
 */
export async function startDiscord(o: DiscordStartOptions): Promise<RunningDiscord> {
  const rest = restSetup(o.config, o.httpsProxy);
  const api = new REST(rest.options).setToken(o.config.token);
  let me: z.infer<typeof meSchema>;
  try {
    // Checks the token before anything else: a bad one fails the start, on every replica.
    me = meSchema.parse(await api.get(Routes.user()));
  } catch (err) {
    await rest.close();
    throw err;
  }
  let session: Client | undefined;
  const port = new DiscordPort(api, me.id, () => session, o.config);
  const forms = new FormStore();
  const handler = new InteractionHandler({ app: o.app, forms, log: o.log, deferAfterMs: o.deferAfterMs });

  const connect = async (): Promise<void> => {
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: rest.options });
    client.on(Events.InteractionCreate, (interaction) => {
      void handler.handle(interaction);
    });
    client.on(Events.Error, (err) => o.log.error(`discord: ${err.message}`));
    client.on(Events.ShardDisconnect, (event) => o.log.error(`discord: gateway closed for good (code ${event.code})`));
    client.on(Events.ShardResume, () => o.log.info("discord: gateway session resumed"));
    const ready = once(client, Events.ClientReady);
    try {
      await client.login(o.config.token);
      await ready;
    } catch (err) {
      await client.destroy();
      throw err;
    }
    session = client;
    o.log.info(`discord: connected as ${client.user?.tag ?? me.username} in ${client.guilds.cache.size} server(s)`);
  };
  const disconnect = async (): Promise<void> => {
    const client = session;
    session = undefined;
    if (!client) return;
    await client.destroy();
    o.log.info("discord: gateway session closed on this replica");
  };

  const timing = o.gatewayLease ?? { ttlMs: 20_000, everyMs: 5_000 };
  const lease = new LeaseKeeper({
    store: o.app.store,
    name: gatewayLease(me.id),
    owner: randomUUID(),
    ...timing,
    log: o.log,
    onAcquired: connect,
    onLost: disconnect,
  });
  o.app.attach(port);
  try {
    await lease.start();
  } catch (err) {
    await rest.close();
    throw err;
  }
  if (!lease.holding) o.log.info(`discord: standby as ${me.username}: another replica holds the gateway; warnings and card edits still go out from here`);
  return {
    port,
    get holdsGateway() {
      return lease.holding;
    },
    health: () => ({ gateway: lease.holding ? "held" : "standby" }),
    stop: async () => {
      await lease.stop();
      await rest.close();
    },
  };
}
