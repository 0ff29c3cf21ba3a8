import { z } from "zod";
import { REST, Routes } from "discord.js";
import type { Config } from "../../src/config.js";
import type { Logger } from "../../src/bot/core.js";
import { loadRulePack } from "../../src/rules/pack.js";
import { commandJson } from "./commands.js";
import { restSetup } from "./rest.js";

const applicationSchema = z.object({ id: z.string().min(1) });
const registeredSchema = z.array(z.object({ id: z.string(), name: z.string() }));

/**
 * Register `/incident` with a bulk overwrite, so running it again is harmless. With a guild
 * id the command is guild-scoped and usable at once; otherwise global.
 */
export async function registerDiscordCommands(o: {
  config: NonNullable<Config["discord"]>;
  httpsProxy?: string;
  log: Logger;
  /** The deployment's rule-pack override: fact options follow it. */
  rulesOverride?: string;
}): Promise<{ scope: "guild" | "global"; count: number }> {
  const setup = restSetup(o.config, o.httpsProxy);
  const rest = new REST(setup.options).setToken(o.config.token);
  try {
    const applicationId = o.config.applicationId ?? applicationSchema.parse(await rest.get(Routes.currentApplication())).id;
    const body = [commandJson(loadRulePack(o.rulesOverride))];
    const guildId = o.config.guildId;
    const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
    const registered = registeredSchema.parse(await rest.put(route, { body }));
    const scope = guildId ? "guild" : "global";
    o.log.info(`discord: registered ${registered.map((c) => `/${c.name}`).join(", ")} (${scope}${guildId ? ` ${guildId}` : ""})`);
    return { scope, count: registered.length };
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
    await setup.close();
  }
}
