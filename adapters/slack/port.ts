import type { webApi } from "@slack/bolt";
import { z } from "zod";
import type { ChannelRequest, ChatPort, PostOptions } from "../../src/bot/adapter.js";
import { attachmentBytes, type Attachment, type Message, type PostedMessage } from "../../src/bot/message.js";
import type { Logger } from "../../src/bot/core.js";
import { renderMessage } from "./render.js";
import { slackError } from "./errors.js";
import { escapedWithin } from "./text.js";

export const METADATA_EVENT = "warroom_message";

export interface SlackPortOptions {
  responderIds: string[];
  privateChannels: boolean;
  log: Logger;
  /** How long a channel's member list is trusted. */
  memberCacheMs?: number;
  /** How many recent messages the mayExist look-up reads. */
  historyDepth?: number;
  /** How long a user's time zone is trusted (replies that show times ask for it). */
  zoneCacheMs?: number;
}

const MAX_CHANNEL_NAME = 80;
const MAX_TOPIC = 250;
const MAX_NAME_ATTEMPTS = 50;
const INVITE_BATCH = 1000;

const tsSchema = z.object({ ts: z.string().min(1) });
const createdSchema = z.object({ channel: z.object({ id: z.string(), name: z.string() }) });
const membersPageSchema = z.object({
  members: z.array(z.string()).default([]),
  response_metadata: z.object({ next_cursor: z.string().optional() }).optional(),
});
const historySchema = z.object({
  messages: z
    .array(
      z.object({
        ts: z.string(),
        metadata: z.object({ event_type: z.string(), event_payload: z.record(z.string(), z.unknown()).optional() }).optional(),
      }),
    )
    .default([]),
});
const usersListSchema = z.object({ users: z.array(z.string()).default([]) });
const userInfoSchema = z.object({ user: z.object({ tz: z.string().optional() }) });

/** Slack channel names: lower case, at most 80 characters of a-z 0-9 - _. */
export function channelName(raw: string, suffix = ""): string {
  const base = raw
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
  const room = MAX_CHANNEL_NAME - suffix.length;
  const cut = (base || "incident").slice(0, room).replace(/-+$/, "");
  return `${cut || "incident"}${suffix}`;
}

/** The ChatPort over Slack's Web API: what the core asks, translated call for call. */
export class SlackPort implements ChatPort {
  readonly platform = "slack";
  private readonly members = new Map<string, { at: number; ids: Set<string> }>();
  private readonly zones = new Map<string, { at: number; zone: Promise<string | undefined> }>();
  /** Keys posted by this process: a repeat is answered without asking Slack. */
  private readonly posted = new Map<string, string>();

  constructor(
    private readonly client: webApi.WebClient,
    private readonly o: SlackPortOptions,
  ) {}

  async createChannel(request: ChannelRequest): Promise<{ id: string; name: string }> {
    const isPrivate = request.private || this.o.privateChannels;
    let created: { id: string; name: string } | undefined;
    for (let n = 1; !created; n++) {
      const name = channelName(request.name, n === 1 ? "" : `-${n}`);
      try {
        created = createdSchema.parse(await this.client.conversations.create({ name, is_private: isPrivate })).channel;
      } catch (err) {
        if (slackError(err) !== "name_taken" || n >= MAX_NAME_ATTEMPTS) throw err;
      }
    }
    this.members.delete(created.id);
    await this.invite(created.id, [...request.members, ...this.o.responderIds]);
    if (request.topic) await this.setTopic(created.id, request.topic);
    return created;
  }

  /** Ids starting with S are user groups: Slack invites people, not groups. */
  private async expandUsers(ids: string[]): Promise<string[]> {
    const out = new Set<string>();
    for (const id of ids) {
      if (!id.startsWith("S")) {
        out.add(id);
        continue;
      }
      try {
        for (const u of usersListSchema.parse(await this.client.usergroups.users.list({ usergroup: id })).users) out.add(u);
      } catch (err) {
        this.o.log.error(`could not expand user group ${id}: ${slackError(err) ?? (err as Error).message}`);
      }
    }
    return [...out];
  }

  async invite(channelId: string, userIds: string[]): Promise<void> {
    await this.inviteUsers(channelId, await this.expandUsers(userIds));
    this.members.delete(channelId);
  }

  private async inviteUsers(channel: string, users: string[]): Promise<void> {
    for (let i = 0; i < users.length; i += INVITE_BATCH) {
      const batch = users.slice(i, i + INVITE_BATCH);
      try {
        await this.client.conversations.invite({ channel, users: batch.join(",") });
      } catch (err) {
        const code = slackError(err);
        if (code === "already_in_channel") continue;
        // One bad id fails the whole batch: invite the rest one by one so they still get in.
        if (batch.length === 1) {
          this.o.log.error(`could not invite ${batch[0]} to ${channel}: ${code ?? (err as Error).message}`);
          continue;
        }
        for (const user of batch) await this.inviteUsers(channel, [user]);
      }
    }
  }

  async setTopic(channelId: string, topic: string): Promise<void> {
    // Slack formats topics like messages: a title's <!channel> or <https://…|link> stays text.
    await this.client.conversations.setTopic({ channel: channelId, topic: escapedWithin(topic, MAX_TOPIC) });
  }

  async post(channelId: string, message: Message, options: PostOptions = {}): Promise<PostedMessage> {
    const key = options.idempotencyKey;
    if (key) {
      const known = this.posted.get(key);
      if (known) return { id: known };
      if (options.mayExist) {
        const found = await this.findByKey(channelId, key);
        if (found) {
          this.remember(key, found);
          return { id: found };
        }
      }
    }
    const { text, blocks } = renderMessage(message);
    const result = await this.client.chat.postMessage({
      channel: channelId,
      text,
      blocks,
      unfurl_links: false,
      unfurl_media: false,
      ...(key ? { metadata: { event_type: METADATA_EVENT, event_payload: { key } } } : {}),
    });
    const { ts } = tsSchema.parse(result);
    if (key) this.remember(key, ts);
    if (message.attachments?.length) await this.upload(channelId, message.attachments);
    return { id: ts };
  }

  private remember(key: string, ts: string): void {
    this.posted.set(key, ts);
    // Only recent keys can repeat (the outbox retries within minutes); keep the map small.
    if (this.posted.size > 5000) this.posted.delete(this.posted.keys().next().value as string);
  }

  /** The message an earlier attempt posted with this key, found by its metadata. */
  private async findByKey(channelId: string, key: string): Promise<string | undefined> {
    const page = historySchema.parse(
      await this.client.conversations.history({ channel: channelId, limit: this.o.historyDepth ?? 200, include_all_metadata: true }),
    );
    return page.messages.find((m) => m.metadata?.event_type === METADATA_EVENT && m.metadata.event_payload?.key === key)?.ts;
  }

  /** Drafts as files in the channel. A failed upload is logged: the message itself went out. */
  private async upload(channelId: string, attachments: Attachment[]): Promise<void> {
    try {
      await this.client.filesUploadV2({
        channel_id: channelId,
        // Text and documents alike as bytes, through the same upload URL.
        file_uploads: attachments.map((a) => ({ file: attachmentBytes(a), filename: a.filename, title: a.title ?? a.filename })),
      });
    } catch (err) {
      this.o.log.error(`could not upload ${attachments.map((a) => a.filename).join(", ")} to ${channelId}: ${slackError(err) ?? (err as Error).message}`);
    }
  }

  async edit(channelId: string, messageId: string, message: Message): Promise<void> {
    const { text, blocks } = renderMessage(message);
    await this.client.chat.update({ channel: channelId, ts: messageId, text, blocks });
  }

  async pin(channelId: string, messageId: string): Promise<void> {
    try {
      await this.client.pins.add({ channel: channelId, timestamp: messageId });
    } catch (err) {
      if (slackError(err) !== "already_pinned") throw err;
    }
  }

  async isMember(channelId: string, userId: string): Promise<boolean> {
    const cached = this.members.get(channelId);
    if (cached && Date.now() - cached.at < (this.o.memberCacheMs ?? 30_000)) return cached.ids.has(userId);
    const ids = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = membersPageSchema.parse(await this.client.conversations.members({ channel: channelId, limit: 1000, ...(cursor ? { cursor } : {}) }));
      for (const id of page.members) ids.add(id);
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    this.members.set(channelId, { at: Date.now(), ids });
    return ids.has(userId);
  }

  /** Cached, including "unknown", and shared by concurrent callers: one users.info per user and period. */
  userZone(userId: string): Promise<string | undefined> {
    const cached = this.zones.get(userId);
    if (cached && Date.now() - cached.at < (this.o.zoneCacheMs ?? 10 * 60_000)) return cached.zone;
    const zone = this.readZone(userId);
    this.zones.set(userId, { at: Date.now(), zone });
    return zone;
  }

  private async readZone(userId: string): Promise<string | undefined> {
    try {
      return userInfoSchema.parse(await this.client.users.info({ user: userId })).user.tz;
    } catch (err) {
      this.o.log.error(`could not read the time zone of ${userId}: ${slackError(err) ?? (err as Error).message}`);
      return undefined;
    }
  }
}
