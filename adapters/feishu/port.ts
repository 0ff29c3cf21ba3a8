import type { ChannelRequest, ChatPort, PostOptions } from "../../src/bot/adapter.js";
import { attachmentBytes, type Attachment, type Message, type PostedMessage } from "../../src/bot/message.js";
import type { Logger } from "../../src/bot/core.js";
import type { FeishuApi, UrgentKind } from "./api.js";
import { refLine, renderCard, uuidOf } from "./render.js";
import { describe } from "./errors.js";
import { isOpenId, truncate } from "./text.js";

export const PLATFORM = "feishu";

export interface FeishuPortOptions {
  responderIds: string[];
  /** How an overdue report escalates: the in-app buzz, or also an SMS or a phone call. */
  urgent: UrgentKind;
  log: Logger;
  memberCacheMs?: number;
  /** How many recent messages the mayExist look-up reads (Feishu pages at most 50). */
  historyDepth?: number;
}

const MAX_CHAT_NAME = 60;
const MAX_DESCRIPTION = 100;
const MEMBER_BATCH = 50;

/** Feishu takes any chat name: the core's name in words, title in its own script (`inc-20260302 支付数据库泄露`). */
export function chatName(request: ChannelRequest): string {
  const name = request.displayName ?? request.name;
  return truncate(name.replace(/\s+/g, " "), MAX_CHAT_NAME);
}

/** A file for the chat, as bytes (the report documents, drafts). */
export interface ChatFile {
  filename: string;
  bytes: Buffer;
}

function fileType(filename: string): "pdf" | "doc" | "stream" {
  if (/\.pdf$/i.test(filename)) return "pdf";
  if (/\.docx?$/i.test(filename)) return "doc";
  return "stream";
}

/** The ChatPort over Feishu's Open Platform: group chats, interactive cards patched in place. */
export class FeishuPort implements ChatPort {
  readonly platform = PLATFORM;
  private readonly members = new Map<string, { at: number; ids: Set<string> }>();
  /** Keys posted by this process: a repeat is answered without asking Feishu. */
  private readonly posted = new Map<string, string>();

  constructor(
    private readonly api: FeishuApi,
    private readonly o: FeishuPortOptions,
  ) {}

  async createChannel(request: ChannelRequest): Promise<{ id: string; name: string }> {
    const members = [...new Set([...request.members, ...this.o.responderIds])].filter(isOpenId);
    const created = await this.api.createChat({
      name: chatName(request),
      ...(request.topic ? { description: truncate(request.topic, MAX_DESCRIPTION) } : {}),
      members: members.slice(0, MEMBER_BATCH),
      private: request.private,
    });
    if (members.length > MEMBER_BATCH) await this.invite(created.id, members.slice(MEMBER_BATCH));
    return created;
  }

  async setTopic(chatId: string, topic: string): Promise<void> {
    await this.api.setDescription(chatId, truncate(topic, MAX_DESCRIPTION));
  }

  async invite(chatId: string, userIds: string[]): Promise<void> {
    const ids = [...new Set(userIds)].filter(isOpenId);
    for (let i = 0; i < ids.length; i += MEMBER_BATCH) {
      try {
        await this.api.addMembers(chatId, ids.slice(i, i + MEMBER_BATCH));
      } catch (err) {
        this.o.log.error(`feishu: could not add ${ids.slice(i, i + MEMBER_BATCH).join(", ")} to ${chatId}: ${describe(err)}`);
      }
    }
    this.members.delete(chatId);
  }

  async post(chatId: string, message: Message, options: PostOptions = {}): Promise<PostedMessage> {
    const key = options.idempotencyKey;
    if (key) {
      const known = this.posted.get(key);
      if (known) return { id: known };
      if (options.mayExist) {
        const found = await this.findByKey(chatId, key);
        if (found) {
          this.remember(key, found);
          return { id: found };
        }
      }
    }
    const card = renderCard(message, key ? { ref: key } : {});
    const id = await this.api.send(chatId, "interactive", JSON.stringify(card), key ? uuidOf(key) : undefined);
    if (key) this.remember(key, id);
    if (key) await this.escalate(id, message);
    for (const a of message.attachments ?? []) await this.attach(chatId, a);
    return { id };
  }

  /**
   * Warnings the outbox delivers carry the people who must act in `mentions` from 30 minutes
   * before the deadline: they get Feishu's in-app buzz. From the deadline on (a danger-toned
   * warning) the configured escalation goes out instead: an SMS or a phone call.
   */
  private async escalate(messageId: string, message: Message): Promise<void> {
    const people = (message.mentions ?? []).filter(isOpenId);
    if (!people.length || (message.tone !== "warning" && message.tone !== "danger")) return;
    const kind: UrgentKind = message.tone === "danger" ? this.o.urgent : "app";
    try {
      await this.api.urgent(kind, messageId, people);
    } catch (err) {
      // The warning itself is posted; a failed buzz must not make the outbox post it again.
      this.o.log.error(`feishu: urgent_${kind} for ${messageId} failed: ${describe(err)}`);
    }
  }

  /** Drafts as files in the chat. A failed upload is logged: the message itself went out. */
  async attach(chatId: string, a: Attachment): Promise<void> {
    try {
      await this.sendFile(chatId, { filename: a.filename, bytes: attachmentBytes(a) });
    } catch (err) {
      this.o.log.error(`feishu: could not upload ${a.filename} to ${chatId}: ${describe(err)}`);
    }
  }

  /** Upload (im/v1/files) and post it as a file message. */
  async sendFile(chatId: string, file: ChatFile): Promise<PostedMessage> {
    const fileKey = await this.api.uploadFile(file.filename, file.bytes, fileType(file.filename));
    return { id: await this.api.send(chatId, "file", JSON.stringify({ file_key: fileKey })) };
  }

  private remember(key: string, id: string): void {
    this.posted.set(key, id);
    if (this.posted.size > 5000) this.posted.delete(this.posted.keys().next().value as string);
  }

  /** Feishu's uuid only holds for an hour: older repeats are found by the card's ref line. */
  private async findByKey(chatId: string, key: string): Promise<string | undefined> {
    const line = refLine(key);
    const recent = await this.api.recent(chatId, this.o.historyDepth ?? 50);
    return recent.find((m) => m.fromApp && m.content.includes(line))?.id;
  }

  async edit(_chatId: string, messageId: string, message: Message): Promise<void> {
    await this.api.patch(messageId, JSON.stringify(renderCard(message)));
  }

  async pin(_chatId: string, messageId: string): Promise<void> {
    await this.api.pin(messageId);
  }

  async isMember(chatId: string, userId: string): Promise<boolean> {
    const cached = this.members.get(chatId);
    if (cached && Date.now() - cached.at < (this.o.memberCacheMs ?? 30_000)) return cached.ids.has(userId);
    const ids = new Set(await this.api.members(chatId));
    this.members.set(chatId, { at: Date.now(), ids });
    return ids.has(userId);
  }
}
