import type { ChannelRequest, ChatPort } from "../../src/bot/adapter.js";
import type { Message } from "../../src/bot/message.js";

export interface Posted {
  channelId: string;
  id: string;
  message: Message;
  key?: string;
  edits: Message[];
  pinned: boolean;
}

/**
 * A chat platform in memory for core tests: it honours the ChatPort contract
 * (idempotent keys, members) and records everything, so tests can read what users saw.
 */
export class RecordingPort implements ChatPort {
  readonly channels = new Map<string, { name: string; topic: string; members: Set<string>; private: boolean }>();
  readonly posts: Posted[] = [];
  failNextPosts = 0;
  /** Channel creations to refuse, as a platform that is down refuses them. */
  failNextChannels = 0;
  /** Users' own time zones, as a platform profile would give them. */
  readonly zones = new Map<string, string>();
  private seq = 0;

  constructor(readonly platform = "test") {}

  async createChannel(req: ChannelRequest): Promise<{ id: string; name: string }> {
    if (this.failNextChannels > 0) {
      this.failNextChannels--;
      throw new Error("simulated platform outage");
    }
    let name = req.name;
    for (let n = 2; [...this.channels.values()].some((c) => c.name === name); n++) name = `${req.name}-${n}`;
    const id = `C${++this.seq}`;
    this.channels.set(id, { name, topic: req.topic ?? "", members: new Set(req.members), private: req.private });
    return { id, name };
  }
  async invite(channelId: string, userIds: string[]): Promise<void> {
    const c = this.channels.get(channelId);
    if (!c) throw new Error(`no channel ${channelId}`);
    for (const u of userIds) c.members.add(u);
  }
  async setTopic(channelId: string, topic: string): Promise<void> {
    const c = this.channels.get(channelId);
    if (c) c.topic = topic;
  }
  async post(channelId: string, message: Message, options?: { idempotencyKey?: string }) {
    if (this.failNextPosts > 0) {
      this.failNextPosts--;
      throw new Error("simulated platform outage");
    }
    const existing = options?.idempotencyKey ? this.posts.find((p) => p.key === options.idempotencyKey) : undefined;
    if (existing) return { id: existing.id };
    const id = `M${++this.seq}`;
    this.posts.push({ channelId, id, message, key: options?.idempotencyKey, edits: [], pinned: false });
    return { id };
  }
  async edit(channelId: string, messageId: string, message: Message): Promise<void> {
    const p = this.posts.find((x) => x.id === messageId && x.channelId === channelId);
    if (!p) throw new Error(`no message ${messageId}`);
    p.edits.push(message);
  }
  async pin(channelId: string, messageId: string): Promise<void> {
    const p = this.posts.find((x) => x.id === messageId && x.channelId === channelId);
    if (!p) throw new Error(`no message ${messageId}`);
    p.pinned = true;
  }
  async userZone(userId: string): Promise<string | undefined> {
    return this.zones.get(userId);
  }
  async isMember(channelId: string, userId: string): Promise<boolean> {
    return this.channels.get(channelId)?.members.has(userId) ?? false;
  }

  /** The latest rendering of the pinned card in a channel. */
  card(channelId: string): Message | undefined {
    const p = this.posts.find((x) => x.channelId === channelId && x.pinned);
    return p ? (p.edits[p.edits.length - 1] ?? p.message) : undefined;
  }
  /** Non-card messages in a channel, oldest first. */
  messages(channelId: string): Message[] {
    return this.posts.filter((x) => x.channelId === channelId && !x.pinned).map((x) => x.message);
  }
}
