import type { App as BoltApp, ViewResponseAction } from "@slack/bolt";
import type { Actor, BotHandlers, FormResult } from "../../src/bot/adapter.js";
import type { Logger } from "../../src/bot/core.js";
import { ACTIONS_BLOCK_ID, actionName } from "./render.js";
import { blockErrors, FORM_CALLBACK_ID, formMetadataSchema, renderModal, stateToValues, type FormMetadata } from "./modal.js";
import { blockActionsSchema, slashCommandSchema, viewSubmissionSchema } from "./payloads.js";
import type { ReplyDelivery, ReplyTarget } from "./replies.js";
import { describe } from "./errors.js";
import { takeTurns } from "../shared/turns.js";
import { within } from "../shared/within.js";
import { describeErrors } from "../../src/bot/forms.js";

export const COMMAND = "/incident";

export interface HandlerDeps {
  router: BotHandlers;
  delivery: ReplyDelivery;
  /** The authority's zone, for datetime fields. */
  zone: string;
  log: Logger;
  /** True the first time a key is seen: Slack's redeliveries are applied once. */
  firstSeen(key: string): Promise<boolean>;
  /** How long a modal submission may take before it is acknowledged anyway (Slack allows 3 s). */
  submitBudgetMs?: number;
}

const actorOf = (id: string, name?: string): Actor => ({ platform: "slack", id, ...(name ? { name } : {}) });


function parseMetadata(text: string): FormMetadata | undefined {
  try {
    const parsed = formMetadataSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}


/** Slash command, card buttons and modal submissions, each acknowledged before slow work. */
export function registerHandlers(bolt: BoltApp, d: HandlerDeps): void {
  const afterAcks = takeTurns();
  const failed = async (t: ReplyTarget, what: string, err: unknown) => {
    d.log.error(`${what} failed: ${err instanceof Error ? (err.stack ?? err.message) : describe(err)}`);
    await d.delivery.ephemeral({ text: "⚠️ Something went wrong on our side while answering. The error has been logged." }, t).catch(() => undefined);
  };

  bolt.command(COMMAND, async ({ ack, body, respond }) => {
    await ack();
    await afterAcks();
    const parsed = slashCommandSchema.safeParse(body);
    if (!parsed.success) {
      d.log.error(`ignored a malformed slash command: ${parsed.error.message}`);
      return;
    }
    const c = parsed.data;
    if (!(await d.firstSeen(`slack:command:${c.trigger_id}`))) return;
    const target: ReplyTarget = { channelId: c.channel_id, userId: c.user_id, triggerId: c.trigger_id, respond };
    try {
      const reply = await d.router.command({ actor: actorOf(c.user_id, c.user_name), channelId: c.channel_id, text: c.text });
      await d.delivery.deliver(reply, target);
    } catch (err) {
      await failed(target, `/incident ${c.text}`, err);
    }
  });

  bolt.action({ type: "block_actions", block_id: ACTIONS_BLOCK_ID }, async ({ ack, body, respond }) => {
    await ack();
    await afterAcks();
    const parsed = blockActionsSchema.safeParse(body);
    if (!parsed.success) {
      d.log.error(`ignored a malformed button press: ${parsed.error.message}`);
      return;
    }
    const p = parsed.data;
    const action = p.actions[0];
    const channelId = p.channel?.id ?? p.container?.channel_id;
    if (!action || !channelId) return;
    if (!(await d.firstSeen(`slack:action:${p.trigger_id}`))) return;
    const target: ReplyTarget = { channelId, userId: p.user.id, triggerId: p.trigger_id, respond };
    try {
      const reply = await d.router.action({
        actor: actorOf(p.user.id, p.user.username ?? p.user.name),
        channelId,
        action: actionName(action.action_id),
        ...(action.value !== undefined ? { value: action.value } : {}),
      });
      await d.delivery.deliver(reply, target);
    } catch (err) {
      await failed(target, `button ${action.action_id}`, err);
    }
  });

  bolt.view({ type: "view_submission", callback_id: FORM_CALLBACK_ID }, async ({ ack: boltAck, body }) => {
    let acked = false;
    // Exactly one answer per submission, whichever path gets there first.
    const ack = async (response?: ViewResponseAction): Promise<void> => {
      if (acked) return;
      acked = true;
      await boltAck(response);
    };
    const parsed = viewSubmissionSchema.safeParse(body);
    if (!parsed.success) {
      d.log.error(`ignored a malformed form submission: ${parsed.error.message}`);
      await ack();
      return;
    }
    const p = parsed.data;
    const blockIds = Object.keys(p.view.state.values);
    const meta = parseMetadata(p.view.private_metadata);
    if (!meta) {
      await ack({ response_action: "errors", errors: blockErrors({ form: "This form is out of date: close it and open it again." }, blockIds) });
      return;
    }
    // A resubmission after field errors is a new interaction with a new trigger; a redelivery is not.
    const stable = p.trigger_id ?? `${p.view.id}:${p.view.hash ?? ""}:${JSON.stringify(p.view.state.values)}`;
    if (!(await d.firstSeen(`slack:view:${stable}`))) {
      await ack();
      return;
    }
    const target: ReplyTarget = { channelId: meta.channelId, userId: p.user.id };
    const pending = d.router.submitForm({
      actor: actorOf(p.user.id, p.user.username ?? p.user.name),
      formId: meta.formId,
      values: stateToValues(p.view.state.values, d.zone),
      context: { channelId: meta.channelId, ...(meta.incidentId ? { incidentId: meta.incidentId } : {}) },
    });
    let result: FormResult;
    try {
      const settled = await within(pending, d.submitBudgetMs ?? 2500);
      if (settled.done) {
        result = settled.value;
        if (!result.ok) {
          await ack({ response_action: "errors", errors: blockErrors(result.errors, blockIds) });
          return;
        }
        if (result.reply.form) {
          await ack({ response_action: "update", view: renderModal(result.reply.form, d.zone) });
          if (result.reply.message) await d.delivery.deliver({ ...result.reply, form: undefined }, target);
          return;
        }
        await ack();
      } else {
        // Too slow to answer inside Slack's window: close the modal, report the outcome after.
        await ack();
        result = await pending;
        if (!result.ok) {
          await d.delivery.ephemeral({ text: `⚠️ The form was not saved:\n${describeErrors(result.errors).join("\n")}`, tone: "danger" }, target);
          return;
        }
      }
      await d.delivery.deliver(result.reply, target);
    } catch (err) {
      await ack();
      await failed(target, `form ${meta.formId}`, err);
    }
  });
}
