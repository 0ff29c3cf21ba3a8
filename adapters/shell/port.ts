import type { ChannelRequest, ChatPort, PostOptions } from "../../src/bot/adapter.js";
import type { Attachment, Message, PostedMessage } from "../../src/bot/message.js";
import { renderText } from "./render.js";
import type { ShellFiles } from "./files.js";

interface ShellChannel {
  name: string;
  topic: string;
  members: Set<string>;
}

/**
 * The terminal as a chat platform: channels are names, posting prints. Channels known
 * from earlier runs are passed in so incidents keep their rooms across restarts.
 */
export class ShellPort implements ChatPort {
  readonly platform = "shell";
  private readonly channels = new Map<string, ShellChannel>();
  private readonly keys = new Map<string, string>();
  private seq = 0;

  /** Set by the session: the shell follows the user into the room the bot made. */
  onChannelCreated: ((id: string) => void) | undefined;

  constructor(
    private readonly write: (text: string) => void,
    known: { id: string; members: string[] }[] = [],
    /** Where attachments are written; without it they are only listed. */
    readonly files?: ShellFiles,
  ) {
    for (const k of known) this.channels.set(k.id, { name: k.id, topic: "", members: new Set(k.members) });
  }

  has(channelId: string): boolean {
    return this.channels.has(channelId);
  }

  names(): string[] {
    return [...this.channels.keys()];
  }

  /** The shell's own /invite: false when the channel is not one the bot made. */
  addMember(channelId: string, userId: string): boolean {
    const c = this.channels.get(channelId);
    if (!c) return false;
    c.members.add(userId);
    return true;
  }

  async invite(channelId: string, userIds: string[]): Promise<void> {
    for (const u of userIds) if (this.addMember(channelId, u)) this.write(`-- ${u} joined #${channelId}`);
  }

  async createChannel(req: ChannelRequest): Promise<{ id: string; name: string }> {
    let name = req.name.slice(0, 80);
    for (let n = 2; this.channels.has(name); n++) name = `${req.name.slice(0, 76)}-${n}`;
    this.channels.set(name, { name, topic: req.topic ?? "", members: new Set(req.members) });
    this.write(`-- created ${req.private ? "private " : ""}channel #${name}; members: ${req.members.join(", ")}`);
    this.onChannelCreated?.(name);
    return { id: name, name };
  }

  async setTopic(channelId: string, topic: string): Promise<void> {
    const c = this.channels.get(channelId);
    if (c) c.topic = topic;
    this.write(`-- #${channelId} topic: ${topic}`);
  }

  async post(channelId: string, message: Message, options: PostOptions = {}): Promise<PostedMessage> {
    const key = options.idempotencyKey;
    const seen = key ? this.keys.get(key) : undefined;
    if (seen) return { id: seen };
    const id = `m${++this.seq}`;
    if (key) this.keys.set(key, id);
    this.write(renderText(message, { channel: channelId, save: this.saver() }));
    return { id };
  }

  /** How replies and posts hand their attachments to the files folder. */
  saver(): ((a: Attachment) => string) | undefined {
    const files = this.files;
    return files ? (a) => files.save(a) : undefined;
  }

  async edit(channelId: string, _messageId: string, message: Message): Promise<void> {
    this.write(`-- #${channelId} status card updated: ${message.title ?? ""}`);
  }

  async pin(channelId: string): Promise<void> {
    this.write(`-- #${channelId} status card pinned`);
  }

  async isMember(channelId: string, userId: string): Promise<boolean> {
    return this.channels.get(channelId)?.members.has(userId) ?? false;
  }
}
