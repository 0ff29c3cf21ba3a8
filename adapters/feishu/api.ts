import { z } from "zod";
import type { Client } from "@larksuiteoapi/node-sdk";
import type { Logger } from "../../src/bot/core.js";
import { FeishuError, failedCall, isRateLimited, RATE_LIMITED } from "./errors.js";

export type UrgentKind = "app" | "sms" | "phone";

export interface FeishuApiOptions {
  log: Logger;
  /** Rate-limit resets waited out per call before it fails (each followed by one retry). */
  maxRateWaits?: number;
  /** Longest single wait; Feishu's windows are seconds long, a bigger reset is not trusted. */
  maxWaitMs?: number;
}

const envelope = <T extends z.ZodTypeAny>(data: T) => z.object({ code: z.number(), msg: z.string().optional(), data: data.optional() });
const anyData = z.unknown();

const chatSchema = z.object({ chat_id: z.string(), name: z.string().optional() });
const messageSchema = z.object({ message_id: z.string() });
const listedSchema = z.object({
  items: z.array(z.object({ message_id: z.string(), body: z.object({ content: z.string() }).optional(), sender: z.object({ sender_type: z.string().optional() }).optional() })).default([]),
});
const membersSchema = z.object({
  items: z.array(z.object({ member_id: z.string() })).default([]),
  has_more: z.boolean().optional(),
  page_token: z.string().optional(),
});
const fileSchema = z.object({ file_key: z.string() });
const botSchema = z.object({ code: z.number(), msg: z.string().optional(), bot: z.object({ open_id: z.string(), app_name: z.string().optional() }).optional() });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The Open Platform calls warroom makes, through the SDK's client, each answer checked with
 * zod. Feishu answers many refusals with HTTP 200 and a non-zero code: both kinds become a
 * FeishuError. A rate limit is waited out (x-ogw-ratelimit-reset) and the call tried again;
 * Feishu did not act on a limited request, so the retry cannot double anything.
 */
export class FeishuApi {
  constructor(
    readonly client: Client,
    private readonly o: FeishuApiOptions,
  ) {}

  private async call<T>(what: string, schema: z.ZodType<T>, run: () => Promise<unknown>): Promise<T> {
    const maxWaits = this.o.maxRateWaits ?? 5;
    for (let waits = 0; ; waits++) {
      let answer: unknown;
      let limited: { resetSec?: number } | undefined;
      try {
        answer = await run();
      } catch (err) {
        const f = failedCall(err);
        if (!isRateLimited(f)) {
          if (f.network) throw new FeishuError(what, undefined, `cannot reach Feishu: ${f.network}`);
          throw new FeishuError(what, f.code, f.message || "no message", f.status);
        }
        limited = f;
      }
      if (!limited) {
        const head = envelope(anyData).safeParse(answer);
        if (head.success && head.data.code === RATE_LIMITED) limited = {};
        else if (head.success && head.data.code !== 0) throw new FeishuError(what, head.data.code, head.data.msg ?? "");
        else {
          const parsed = schema.safeParse(answer);
          if (!parsed.success) throw new FeishuError(what, undefined, `unexpected answer: ${parsed.error.issues[0]?.message ?? "invalid"}`);
          return parsed.data;
        }
      }
      if (waits >= maxWaits) throw new FeishuError(what, RATE_LIMITED, `still rate-limited after ${maxWaits} waits`, 429);
      const ms = Math.min((limited.resetSec ?? 1) * 1000, this.o.maxWaitMs ?? 60_000);
      this.o.log.info(`feishu: ${what} rate-limited; retrying in ${ms} ms`);
      await sleep(ms);
    }
  }

  /** The bot's own open_id; doubles as the start-up credential check. */
  async botInfo(): Promise<{ openId: string; name?: string }> {
    const body = await this.call("bot info", botSchema, () => this.client.request({ method: "GET", url: "/open-apis/bot/v3/info" }));
    if (!body.bot) throw new FeishuError("bot info", undefined, "no bot in the answer: is the bot ability enabled?");
    return { openId: body.bot.open_id, ...(body.bot.app_name ? { name: body.bot.app_name } : {}) };
  }

  async createChat(p: { name: string; description?: string; members: string[]; private: boolean; ownerId?: string }): Promise<{ id: string; name: string }> {
    const body = await this.call("create chat", envelope(chatSchema), () =>
      this.client.im.v1.chat.create({
        params: { user_id_type: "open_id", set_bot_manager: true },
        data: {
          name: p.name,
          ...(p.description ? { description: p.description } : {}),
          user_id_list: p.members,
          chat_mode: "group",
          chat_type: p.private ? "private" : "public",
          ...(p.ownerId ? { owner_id: p.ownerId } : {}),
        },
      }),
    );
    if (!body.data) throw new FeishuError("create chat", undefined, "no chat in the answer");
    return { id: body.data.chat_id, name: body.data.name ?? p.name };
  }

  async setDescription(chatId: string, description: string): Promise<void> {
    await this.call("update chat", envelope(anyData), () => this.client.im.v1.chat.update({ path: { chat_id: chatId }, data: { description } }));
  }

  async addMembers(chatId: string, openIds: string[]): Promise<void> {
    await this.call("add chat members", envelope(anyData), () =>
      this.client.im.v1.chatMembers.create({ path: { chat_id: chatId }, params: { member_id_type: "open_id", succeed_type: 1 }, data: { id_list: openIds } }),
    );
  }

  async members(chatId: string): Promise<string[]> {
    const ids: string[] = [];
    let pageToken: string | undefined;
    do {
      const body = await this.call("list chat members", envelope(membersSchema), () =>
        this.client.im.v1.chatMembers.get({ path: { chat_id: chatId }, params: { member_id_type: "open_id", page_size: 100, ...(pageToken ? { page_token: pageToken } : {}) } }),
      );
      for (const m of body.data?.items ?? []) ids.push(m.member_id);
      pageToken = body.data?.has_more ? body.data.page_token : undefined;
    } while (pageToken);
    return ids;
  }

  /** `uuid` makes Feishu post at most one message per value within an hour, whatever the retries. */
  /** To a chat (chat_id), or to one person directly (open_id). */
  async send(receiveId: string, msgType: "interactive" | "file", content: string, uuid?: string, idType: "chat_id" | "open_id" = "chat_id"): Promise<string> {
    const body = await this.call("send message", envelope(messageSchema), () =>
      this.client.im.v1.message.create({ params: { receive_id_type: idType }, data: { receive_id: receiveId, msg_type: msgType, content, ...(uuid ? { uuid } : {}) } }),
    );
    if (!body.data) throw new FeishuError("send message", undefined, "no message id in the answer");
    return body.data.message_id;
  }

  async reply(messageId: string, content: string): Promise<string> {
    const body = await this.call("reply", envelope(messageSchema), () =>
      this.client.im.v1.message.reply({ path: { message_id: messageId }, data: { msg_type: "interactive", content } }),
    );
    if (!body.data) throw new FeishuError("reply", undefined, "no message id in the answer");
    return body.data.message_id;
  }

  async patch(messageId: string, content: string): Promise<void> {
    await this.call("update card", envelope(anyData), () => this.client.im.v1.message.patch({ path: { message_id: messageId }, data: { content } }));
  }

  /** The chat's latest messages, newest first, with their content as Feishu stores it. */
  async recent(chatId: string, pageSize: number): Promise<{ id: string; content: string; fromApp: boolean }[]> {
    const body = await this.call("list messages", envelope(listedSchema), () =>
      this.client.im.v1.message.list({ params: { container_id_type: "chat", container_id: chatId, sort_type: "ByCreateTimeDesc", page_size: pageSize } }),
    );
    return (body.data?.items ?? []).map((m) => ({ id: m.message_id, content: m.body?.content ?? "", fromApp: m.sender?.sender_type === "app" }));
  }

  async pin(messageId: string): Promise<void> {
    await this.call("pin", envelope(anyData), () => this.client.im.v1.pin.create({ data: { message_id: messageId } }));
  }

  async urgent(kind: UrgentKind, messageId: string, openIds: string[]): Promise<void> {
    const request = { path: { message_id: messageId }, params: { user_id_type: "open_id" as const }, data: { user_id_list: openIds } };
    const m = this.client.im.v1.message;
    await this.call(`urgent_${kind}`, envelope(anyData), () => (kind === "app" ? m.urgentApp(request) : kind === "sms" ? m.urgentSms(request) : m.urgentPhone(request)));
  }

  /** Visible to one member of a group chat only; Feishu has no such thing in direct chats. */
  async ephemeral(chatId: string, openId: string, card: object): Promise<string> {
    const body = await this.call("send ephemeral card", envelope(messageSchema), () =>
      this.client.request({ method: "POST", url: "/open-apis/ephemeral/v1/send", data: { chat_id: chatId, open_id: openId, msg_type: "interactive", card } }),
    );
    return body.data?.message_id ?? "";
  }

  async uploadFile(fileName: string, bytes: Buffer, fileType: "stream" | "pdf" | "doc"): Promise<string> {
    // The typed upload answers with the inner data only, or null when Feishu refused it.
    const data = await this.call("upload file", fileSchema.nullable(), () => this.client.im.v1.file.create({ data: { file_type: fileType, file_name: fileName, file: bytes } }));
    if (!data) throw new FeishuError("upload file", undefined, "Feishu refused the upload (empty, too large or not allowed)");
    return data.file_key;
  }
}
