import type { Reply } from "../../src/bot/adapter.js";
import type { FormRequest } from "../../src/bot/forms.js";
import type { Message } from "../../src/bot/message.js";
import type { Logger } from "../../src/bot/core.js";
import type { FeishuApi } from "./api.js";
import type { FeishuPort } from "./port.js";
import { renderCard, type Card } from "./render.js";
import { renderFormCard } from "./form-card.js";
import type { FormMemory } from "../../src/bot/form-memory.js";
import { describe } from "./errors.js";

/** Where a reply goes: the invoker, in the chat they acted in. */
export interface ReplyTarget {
  chatId: string;
  userId: string;
  /** Direct chats have no ephemeral cards: everything there is between the bot and the user. */
  direct: boolean;
  /** The command message, which a public answer replies to. */
  messageId?: string;
}

export interface ReplyDeps {
  api: FeishuApi;
  port: FeishuPort;
  forms: FormMemory;
  log: Logger;
}

/** Shows the core's Reply: a form card, a card only the invoker sees, or a card in the chat. */
export class ReplyDelivery {
  constructor(private readonly d: ReplyDeps) {}

  async deliver(reply: Reply, t: ReplyTarget): Promise<void> {
    if (reply.form) await this.privately(await this.formCard(reply.form), t);
    if (!reply.message) return;
    if (reply.ephemeral) await this.ephemeral(reply.message, t);
    else await this.inChat(reply.message, t);
  }

  async formCard(form: FormRequest): Promise<Card> {
    return renderFormCard(form, {}, await this.d.forms.keep(form));
  }

  async ephemeral(message: Message, t: ReplyTarget): Promise<void> {
    await this.privately(renderCard(message), t);
  }

  /**
   * In a group: an ephemeral card, which only the invoker sees. Where Feishu refuses one (a
   * topic group, an old client), a direct message to the invoker instead: an answer meant
   * for one person (a refusal, a sign-in link) never goes to the whole chat.
   */
  private async privately(card: Card, t: ReplyTarget): Promise<void> {
    if (!t.direct) {
      try {
        await this.d.api.ephemeral(t.chatId, t.userId, card);
        return;
      } catch (err) {
        this.d.log.error(`feishu: ephemeral card in ${t.chatId} failed, sending it to ${t.userId} directly: ${describe(err)}`);
        await this.d.api.send(t.userId, "interactive", JSON.stringify(card), undefined, "open_id");
        return;
      }
    }
    await this.visibly(card, t);
  }

  async inChat(message: Message, t: ReplyTarget): Promise<void> {
    if (!t.messageId) {
      await this.d.port.post(t.chatId, message);
      return;
    }
    await this.visibly(renderCard(message), t);
    // A card cannot carry files: the report documents follow it as file messages.
    for (const a of message.attachments ?? []) await this.d.port.attach(t.chatId, a);
  }

  private async visibly(card: Card, t: ReplyTarget): Promise<void> {
    const content = JSON.stringify(card);
    if (t.messageId) await this.d.api.reply(t.messageId, content);
    else await this.d.api.send(t.chatId, "interactive", content);
  }
}
