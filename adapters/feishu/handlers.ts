import type { Actor, BotHandlers, FormResult, Reply } from "../../src/bot/adapter.js";
import type { Logger } from "../../src/bot/core.js";
import { takeTurns } from "../shared/turns.js";
import { within } from "../shared/within.js";
import { buttonValueSchema, cardActionSchema, messageEventSchema, textContentSchema, type CardAction, type MessageEvent } from "./events.js";
import { formValues, formValueSchema, renderFormCard, type FormButtonValue } from "./form-card.js";
import type { FormMemory } from "../../src/bot/form-memory.js";
import { describeErrors } from "../../src/bot/forms.js";
import { renderCard, type Card } from "./render.js";
import type { ReplyDelivery, ReplyTarget } from "./replies.js";
import { commandText } from "./text.js";
import { describe, explain } from "./errors.js";
import { PLATFORM } from "./port.js";
import { admit, type GateOptions } from "./receiver.js";

/** What the core answers a refused submission with: private, in the danger tone, and no form to show next. */
function isRefusal(reply: Reply): boolean {
  return reply.ephemeral && reply.message?.tone === "danger" && !reply.form;
}

const refusalText = (reply: Reply) => (reply.message?.text ?? "").replace(/^⚠️\s*/, "");

export interface HandlerDeps {
  router: BotHandlers;
  delivery: ReplyDelivery;
  forms: FormMemory;
  log: Logger;
  botOpenId: string;
  /**
   * Long connection only: events arrive without the HTTP receiver in front, so the token and
   * redelivery checks run here, before anything else.
   */
  gate?: GateOptions;
  /** How long a form submission may take before its card is answered anyway (Feishu allows 3 s). */
  submitBudgetMs?: number;
}

/** What card.action.trigger answers: a toast and/or a card that replaces the one clicked. */
export interface CardAnswer {
  toast?: { type: "info" | "success" | "error" | "warning"; content: string };
  card?: { type: "raw"; data: Card };
}

const actorOf = (id: string): Actor => ({ platform: PLATFORM, id });


const defined = (values: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined));

const toast = (type: NonNullable<CardAnswer["toast"]>["type"], content: string): CardAnswer => ({ toast: { type, content } });

/**
 * The two callbacks warroom subscribes to: a message (a command, typed) and a card action
 * (a button on a card, or a form submitted). Messages are acknowledged at once and worked
 * on after; a form's answer is the card itself, so it is worked on within Feishu's 3 s.
 */
export function feishuHandlers(d: HandlerDeps): Record<"im.message.receive_v1" | "card.action.trigger", (data: unknown) => Promise<unknown>> {
  const afterAcks = takeTurns();
  const failed = async (t: ReplyTarget, what: string, err: unknown) => {
    d.log.error(`feishu: ${what} failed: ${describe(err)}`);
    await d.delivery.ephemeral({ text: `⚠️ ${explain(err)}`, tone: "danger" }, t).catch((e: unknown) => d.log.error(`feishu: could not tell ${t.userId}: ${describe(e)}`));
  };
  const gated = async (data: { token: string; event_id: string }) => !d.gate || (await admit(data, d.gate)) === "accept";

  const onMessage = async (m: MessageEvent) => {
    if (m.sender.sender_type === "app" || m.message.message_type !== "text") return;
    let raw: string;
    try {
      raw = textContentSchema.parse(JSON.parse(m.message.content)).text;
    } catch {
      return;
    }
    const text = commandText(raw, m.message.mentions ?? [], d.botOpenId);
    if (text === undefined) return;
    const t: ReplyTarget = { chatId: m.message.chat_id, userId: m.sender.sender_id.open_id, direct: m.message.chat_type === "p2p", messageId: m.message.message_id };
    try {
      const reply = await d.router.command({ actor: actorOf(t.userId), channelId: t.chatId, text });
      await d.delivery.deliver(reply, t);
    } catch (err) {
      await failed(t, `/incident ${text.slice(0, 60)}`, err);
    }
  };

  const onButton = async (a: CardAction, t: ReplyTarget) => {
    const parsed = buttonValueSchema.safeParse(a.action.value);
    if (!parsed.success) {
      await d.delivery.ephemeral({ text: "⚠️ This button is no longer supported." }, t);
      return;
    }
    try {
      const reply = await d.router.action({ actor: actorOf(t.userId), channelId: t.chatId, action: parsed.data.a, ...(parsed.data.v !== undefined ? { value: parsed.data.v } : {}) });
      await d.delivery.deliver(reply, t);
    } catch (err) {
      await failed(t, `button ${parsed.data.a}`, err);
    }
  };

  const onForm = async (a: CardAction, ref: FormButtonValue, t: ReplyTarget): Promise<CardAnswer> => {
    const shown = await d.forms.recall(ref.t);
    const values = formValues(a.action.form_value ?? {}, shown);
    const pending = d.router.submitForm({
      actor: actorOf(t.userId),
      formId: ref.f,
      values,
      context: { channelId: ref.c, ...(ref.i ? { incidentId: ref.i } : {}) },
    });
    const answer = async (answered: FormResult): Promise<CardAnswer> => {
      // A refusal (not a member, a time the incident cannot take) is the form's failure too: the card comes back with it, the values kept.
      const result: FormResult = answered.ok && isRefusal(answered.reply) ? { ok: false, errors: { Refused: refusalText(answered.reply) } } : answered;
      if (!result.ok) {
        if (shown) return { ...toast("error", "Some fields need fixing; nothing was applied."), card: { type: "raw", data: renderFormCard({ ...shown, values: { ...shown.values, ...defined(values) } }, result.errors, ref.t) } };
        const lines = describeErrors(result.errors);
        return { ...toast("error", "Some fields need fixing; nothing was applied."), card: { type: "raw", data: renderCard({ text: `⚠️ The form was not saved:\n${lines.join("\n")}\nOpen it again to fix it.`, tone: "danger" }) } };
      }
      const next = result.reply.form ? await d.delivery.formCard(result.reply.form) : renderCard({ text: "✅ Submitted.", tone: "success" });
      const message = result.reply.message;
      if (message) {
        const rest = { ...result.reply, form: undefined };
        void afterAcks().then(() => d.delivery.deliver(rest, t).catch((err: unknown) => failed(t, `form ${ref.f}`, err)));
      }
      return { card: { type: "raw", data: next } };
    };
    const settled = await within(pending, d.submitBudgetMs ?? 2500);
    if (settled.done) return answer(settled.value);
    // Too slow for Feishu's window: the card says so, the outcome follows as a message.
    void pending
      .then(async (result) => {
        if (result.ok && isRefusal(result.reply)) await d.delivery.ephemeral({ text: `⚠️ The form was not saved: ${refusalText(result.reply)}`, tone: "danger" }, t);
        else if (result.ok) await d.delivery.deliver(result.reply, t);
        else await d.delivery.ephemeral({ text: `⚠️ The form was not saved:\n${describeErrors(result.errors).join("\n")}`, tone: "danger" }, t);
      })
      .catch((err: unknown) => failed(t, `form ${ref.f}`, err));
    return toast("info", "Working on it; the result follows in the chat.");
  };

  return {
    "im.message.receive_v1": async (data) => {
      const parsed = messageEventSchema.safeParse(data);
      if (!parsed.success) {
        d.log.error(`feishu: ignored a malformed message event: ${parsed.error.issues[0]?.message ?? "invalid"}`);
        return {};
      }
      if (!(await gated(parsed.data))) return {};
      void afterAcks().then(() => onMessage(parsed.data));
      return {};
    },
    "card.action.trigger": async (data) => {
      const parsed = cardActionSchema.safeParse(data);
      if (!parsed.success) {
        d.log.error(`feishu: ignored a malformed card action: ${parsed.error.issues[0]?.message ?? "invalid"}`);
        return toast("error", "This card action could not be read; nothing was changed.");
      }
      if (!(await gated(parsed.data))) return {};
      const a = parsed.data;
      const t: ReplyTarget = { chatId: a.context.open_chat_id, userId: a.operator.open_id, direct: false };
      const form = formValueSchema.safeParse(a.action.value);
      if (form.success) {
        try {
          return await onForm(a, form.data, t);
        } catch (err) {
          d.log.error(`feishu: form ${form.data.f} failed: ${describe(err)}`);
          return toast("error", explain(err));
        }
      }
      void afterAcks().then(() => onButton(a, t));
      return {};
    },
  };
}
