import { AsyncLocalStorage } from "node:async_hooks";
import { z } from "zod";
import { GuildChannel, PermissionFlagsBits, Routes, type Client, type REST } from "discord.js";
import type { ChannelRequest, ChatPort, PostOptions } from "../../src/bot/adapter.js";
import type { Message, PostedMessage } from "../../src/bot/message.js";
import { inert, nonceFor, refFooter, renderMessage, type RenderedMessage } from "./render.js";

export const PLATFORM = "discord";

export interface DiscordPortConfig {
  guildId?: string;
  categoryId?: string;
  responderRoleId?: string;
}

const channelSchema = z.object({ id: z.string(), name: z.string() });
const postedSchema = z.object({ id: z.string() });
const recentSchema = z.array(
  z.object({
    id: z.string(),
    author: z.object({ id: z.string() }).optional(),
    embeds: z.array(z.object({ footer: z.object({ text: z.string() }).optional() })).default([]),
  }),
);

const VIEW = PermissionFlagsBits.ViewChannel;
const TALK = VIEW | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ReadMessageHistory | PermissionFlagsBits.AttachFiles | PermissionFlagsBits.EmbedLinks;
const BOT = TALK | PermissionFlagsBits.ManageMessages | PermissionFlagsBits.PinMessages;

/** Discord text channel names: lower case letters, digits, dashes and underscores, at most 100 characters. */
export function channelName(name: string): string {
  const n = name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_-]+/gu, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 100)
    .replace(/-+$/, "");
  return n || "incident";
}

/** The guild of the interaction being handled, so channels open where the command was typed. */
const interactionGuild = new AsyncLocalStorage<string | undefined>();

export function inGuild<T>(guildId: string | undefined, fn: () => Promise<T>): Promise<T> {
  return interactionGuild.run(guildId, fn);
}

function restBody(r: RenderedMessage) {
  return {
    body: {
      content: r.content ?? "",
      embeds: r.embeds,
      components: r.components,
      allowed_mentions: r.allowed_mentions,
      ...(r.attachments ? { attachments: r.attachments } : {}),
    },
    files: r.files.map((f) => ({ name: f.name, data: f.data, contentType: f.contentType })),
  };
}

/**
 * The ChatPort over Discord REST. Posts carry their idempotency key twice: as the nonce with
 * enforce_nonce (Discord answers a repeat with the first message) and in the embed footer,
 * which a retry after a crash looks for in the channel's recent messages.
 *
 * Everything the countdown needs (post, edit, pin, topic) is REST, so every replica does it;
 * the membership checks read the gateway session's cache, which only the replica holding
 * the gateway has, and only that replica receives the interactions that need them.
 */
export class DiscordPort implements ChatPort {
  readonly platform = PLATFORM;

  constructor(
    private readonly rest: REST,
    private readonly botId: string,
    private readonly session: () => Client | undefined,
    private readonly config: DiscordPortConfig,
  ) {}

  private get client(): Client {
    const client = this.session();
    if (!client) throw new Error("this replica does not hold the Discord gateway session");
    return client;
  }

  async createChannel(request: ChannelRequest): Promise<{ id: string; name: string }> {
    const guildId = interactionGuild.getStore() ?? this.config.guildId;
    if (!guildId) throw new Error("no Discord server to open the channel in: run the command in a server or set DISCORD_GUILD_ID");
    const overwrites = request.private
      ? [
          { id: guildId, type: 0, allow: "0", deny: String(VIEW) },
          ...(this.config.responderRoleId ? [{ id: this.config.responderRoleId, type: 0, allow: String(TALK), deny: "0" }] : []),
          { id: this.botId, type: 1, allow: String(BOT), deny: "0" },
          ...[...new Set(request.members)].filter((m) => m !== this.botId).map((id) => ({ id, type: 1, allow: String(TALK), deny: "0" })),
        ]
      : undefined;
    const body = {
      name: channelName(request.name),
      type: 0,
      ...(request.topic ? { topic: inert(request.topic).slice(0, 1024) } : {}),
      ...(this.config.categoryId ? { parent_id: this.config.categoryId } : {}),
      ...(overwrites ? { permission_overwrites: overwrites } : {}),
    };
    const created = channelSchema.parse(await this.rest.post(Routes.guildChannels(guildId), { body }));
    return { id: created.id, name: created.name };
  }

  /** Public war rooms are open to the server already; a private one gets a member overwrite. */
  async invite(channelId: string, userIds: string[]): Promise<void> {
    const channel = this.client.channels.cache.get(channelId) ?? (await this.client.channels.fetch(channelId).catch(() => null));
    if (!(channel instanceof GuildChannel)) throw new Error(`unknown Discord channel ${channelId}`);
    if (!(channel.permissionOverwrites.cache.get(channel.guild.id)?.deny.has(VIEW) ?? false)) return;
    for (const userId of new Set(userIds)) {
      await this.rest.put(Routes.channelPermission(channelId, userId), { body: { type: 1, allow: String(TALK), deny: "0" } });
    }
  }

  async setTopic(channelId: string, topic: string): Promise<void> {
    await this.rest.patch(Routes.channel(channelId), { body: { topic: inert(topic).slice(0, 1024) } });
  }

  async post(channelId: string, message: Message, options: PostOptions = {}): Promise<PostedMessage> {
    const key = options.idempotencyKey;
    if (key && options.mayExist) {
      const found = await this.findPosted(channelId, key);
      if (found) return { id: found };
    }
    const { body, files } = restBody(renderMessage(message, { ref: key }));
    const payload = key ? { ...body, nonce: nonceFor(key), enforce_nonce: true } : body;
    const posted = postedSchema.parse(await this.rest.post(Routes.channelMessages(channelId), { body: payload, files }));
    return { id: posted.id };
  }

  /** A message of ours carrying this key among the channel's latest 50. */
  private async findPosted(channelId: string, key: string): Promise<string | undefined> {
    const recent = recentSchema.parse(await this.rest.get(Routes.channelMessages(channelId), { query: new URLSearchParams({ limit: "50" }) }));
    const footer = refFooter(key);
    return recent.find((m) => m.author?.id === this.botId && m.embeds.some((e) => e.footer?.text === footer))?.id;
  }

  async edit(channelId: string, messageId: string, message: Message): Promise<void> {
    const { body } = restBody(renderMessage(message));
    await this.rest.patch(Routes.channelMessage(channelId, messageId), { body });
  }

  async pin(channelId: string, messageId: string): Promise<void> {
    await this.rest.put(Routes.channelMessagesPin(channelId, messageId));
  }

  /**
   * Private channel: the responder role or a member overwrite lets one in. Otherwise the
   * responder role, when configured, is what makes a responder; without it, any member.
   */
  async isMember(channelId: string, userId: string): Promise<boolean> {
    const channel = this.client.channels.cache.get(channelId) ?? (await this.client.channels.fetch(channelId).catch(() => null));
    if (!(channel instanceof GuildChannel)) return false;
    const guild = channel.guild;
    const member = guild.members.cache.get(userId) ?? (await guild.members.fetch(userId).catch(() => null));
    if (!member) return false;
    const role = this.config.responderRoleId;
    const hasRole = role ? member.roles.cache.has(role) : false;
    const overwrites = channel.permissionOverwrites.cache;
    const isPrivate = overwrites.get(guild.id)?.deny.has(VIEW) ?? false;
    if (isPrivate) return hasRole || (overwrites.get(userId)?.allow.has(VIEW) ?? false);
    return role ? hasRole : true;
  }
}
