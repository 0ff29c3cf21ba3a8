import { once } from "node:events";
import { Client, Events, GatewayIntentBits } from "discord.js";
import type { App } from "../../src/app.js";
import type { Config } from "../../src/config.js";
import type { Logger } from "../../src/bot/core.js";
import type { RunningAdapter } from "../../src/bot/adapter.js";
import { DiscordPort } from "./port.js";
import { FormStore } from "./modals.js";
import { InteractionHandler } from "./interactions.js";
import { restSetup } from "./rest.js";

export interface DiscordStartOptions {
  app: App;
  config: NonNullable<Config["discord"]>;
  httpsProxy?: string;
  log: Logger;
  /** Tests shorten the wait before an interaction is deferred. */
  deferAfterMs?: number;
}

/**
 * Log in, attach the port, answer interactions. Only the Guilds intent: slash commands,
 * buttons and modals arrive without privileged intents, and it keeps channels, roles and
 * permission overwrites in discord.js' cache for the membership check.
 */
export async function startDiscord(o: DiscordStartOptions): Promise<RunningAdapter> {
  const rest = restSetup(o.config, o.httpsProxy);
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: rest.options });
  const port = new DiscordPort(client, o.config);
  const forms = new FormStore();
  const handler = new InteractionHandler({ app: o.app, forms, log: o.log, deferAfterMs: o.deferAfterMs });
  client.on(Events.InteractionCreate, (interaction) => {
    void handler.handle(interaction);
  });
  client.on(Events.Error, (err) => o.log.error(`discord: ${err.message}`));
  client.on(Events.ShardDisconnect, (event) => o.log.error(`discord: gateway closed for good (code ${event.code})`));
  client.on(Events.ShardResume, () => o.log.info("discord: gateway session resumed"));
  o.app.attach(port);
  const ready = once(client, Events.ClientReady);
  try {
    await client.login(o.config.token);
    await ready;
  } catch (err) {
    await client.destroy();
    await rest.close();
    throw err;
  }
  o.log.info(`discord: connected as ${client.user?.tag ?? "?"} in ${client.guilds.cache.size} server(s)`);
  return {
    port,
    stop: async () => {
      await client.destroy();
      await rest.close();
    },
  };
}
