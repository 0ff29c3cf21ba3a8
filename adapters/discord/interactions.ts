import { z } from "zod";
import {
  AttachmentBuilder,
  MessageFlags,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  type ModalSubmitInteraction,
} from "discord.js";
import type { Actor, Reply } from "../../src/bot/adapter.js";
import type { FormRequest } from "../../src/bot/forms.js";
import type { Logger } from "../../src/bot/core.js";
import type { App } from "../../src/app.js";
import { FORM_IDS } from "../../commands/forms.js";
import { COMMAND_NAME, commandText, OptionError } from "./commands.js";
import { describeErrors } from "../../src/bot/forms.js";
import { FormStore, modalFor, openButtonId, parseModalId, parseOpenButtonId, type FormRef, type FormSession } from "./modals.js";
import { ACTION_PREFIX, buttonRows, renderMessage, truncate, type RenderedMessage } from "./render.js";
import { inGuild, PLATFORM } from "./port.js";

/**
 * Discord interactions → the core, and its Reply back. Discord wants an answer within 3 s:
 * the core is fast (SQLite), so most answers go out directly; work that may be slow (opening
 * a channel) is deferred first, and anything still running after `deferAfterMs` is deferred
 * then, with the real answer sent as an edit or follow-up.
 */

type Answer = { kind: "reply"; reply: Reply } | { kind: "raw"; ephemeral: boolean; message: RenderedMessage };
type Repliable = ChatInputCommandInteraction | ButtonInteraction | ModalSubmitInteraction;

const actionIdSchema = z.object({ action: z.string().regex(/^[a-z_]{1,40}$/), value: z.string().max(60).optional() });
const modalValuesSchema = z.record(z.string().max(100), z.string().max(4000));
const optionSchema = z.object({ name: z.string(), value: z.unknown() });

export interface InteractionHandlerOptions {
  app: App;
  forms: FormStore;
  log: Logger;
  /** Defer when the core has not answered within this time (ms); Discord allows 3 s. */
  deferAfterMs?: number;
}

/** An adapter-side notice (expired form, unknown button): always private. */
function plain(text: string): Answer {
  return { kind: "raw", ephemeral: true, message: renderMessage({ text }, { preferPlain: true }) };
}

function buttonMessage(text: string, label: string, customId: string): RenderedMessage {
  const message = renderMessage({ text }, { preferPlain: true });
  message.components = buttonRows([{ type: 2, style: 1, label: truncate(label, 80), custom_id: customId }]);
  return message;
}

function withButton(text: string, label: string, customId: string): Answer {
  return { kind: "raw", ephemeral: true, message: buttonMessage(text, label, customId) };
}

function baseOptions(message: RenderedMessage) {
  return {
    ...(message.content !== undefined ? { content: message.content } : {}),
    embeds: message.embeds,
    components: message.components,
    allowedMentions: { parse: [], users: message.allowed_mentions.users },
    files: message.files.map((f) => new AttachmentBuilder(f.data, { name: f.name })),
  };
}

function editOptions(message: RenderedMessage): InteractionEditReplyOptions {
  return baseOptions(message);
}

function replyOptions(message: RenderedMessage, ephemeral: boolean): InteractionReplyOptions {
  return { ...baseOptions(message), ...(ephemeral ? { flags: MessageFlags.Ephemeral as const } : {}) };
}

export class InteractionHandler {
  private readonly deferAfterMs: number;

  constructor(private readonly o: InteractionHandlerOptions) {
    this.deferAfterMs = o.deferAfterMs ?? 2000;
  }

  async handle(interaction: Interaction): Promise<void> {
    if (!interaction.isChatInputCommand() && !interaction.isButton() && !interaction.isModalSubmit()) return;
    try {
      // A resumed gateway session can deliver an interaction twice; answer it once.
      if (!(await this.o.app.core.service.markProcessed(`discord:interaction:${interaction.id}`))) return;
      await inGuild(interaction.guildId ?? undefined, () => this.route(interaction));
    } catch (err) {
      this.o.log.error(`discord interaction ${interaction.id} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      const sorry = replyOptions(renderMessage({ text: "⚠️ Something went wrong on our side; the error has been logged." }, { preferPlain: true }), true);
      if (interaction.deferred || interaction.replied) await interaction.followUp(sorry).catch(() => undefined);
      else await interaction.reply(sorry).catch(() => undefined);
    }
  }

  private actor(interaction: Repliable): Actor {
    const name = interaction.member && "displayName" in interaction.member ? interaction.member.displayName : interaction.user.username;
    return { platform: PLATFORM, id: interaction.user.id, name };
  }

  private async route(interaction: Repliable): Promise<void> {
    const channelId = interaction.channelId;
    if (!channelId) {
      await this.send(interaction, plain("⚠️ Use warroom in a server channel."), false);
      return;
    }
    if (interaction.isChatInputCommand()) return this.command(interaction, channelId);
    if (interaction.isButton()) return this.button(interaction, channelId);
    return this.modal(interaction);
  }

  private async command(interaction: ChatInputCommandInteraction, channelId: string): Promise<void> {
    if (interaction.commandName !== COMMAND_NAME) return;
    const sub = interaction.options.getSubcommand(true);
    const given = z.array(optionSchema).parse(interaction.options.data[0]?.options ?? []);
    let text: string;
    try {
      text = commandText(this.o.app.pack, sub, given);
    } catch (err) {
      if (!(err instanceof OptionError)) throw err;
      await this.send(interaction, plain(`⚠️ ${err.message}`), true);
      return;
    }
    const actor = this.actor(interaction);
    // Opening creates a channel over REST: acknowledge first rather than race the 3 s.
    const slow = sub === "open" && given.some((g) => g.name === "title");
    await this.answer(interaction, async () => ({ kind: "reply", reply: await this.o.app.router.command({ actor, channelId, text }) }), slow);
  }

  private async button(interaction: ButtonInteraction, channelId: string): Promise<void> {
    const ref = parseOpenButtonId(interaction.customId);
    if (ref) {
      const session = this.o.forms.get(interaction.user.id, ref);
      if (!session) {
        await this.send(interaction, plain("⚠️ This form has expired (unfinished forms are kept for 15 minutes). Please start it again."), true);
        return;
      }
      await interaction.showModal(modalFor(session.request.form, session.pages, ref, session.values));
      return;
    }
    const [prefix, action, ...rest] = interaction.customId.split(":");
    const parsed = actionIdSchema.safeParse({ action, value: rest.length ? rest.join(":") || undefined : undefined });
    if (prefix !== ACTION_PREFIX || !parsed.success) {
      await this.send(interaction, plain("⚠️ This button is no longer supported."), true);
      return;
    }
    const actor = this.actor(interaction);
    const { action: name, value } = parsed.data;
    await this.answer(interaction, async () => ({ kind: "reply", reply: await this.o.app.router.action({ actor, channelId, action: name, value }) }), false);
  }

  /** A modal's incident and channel come back in its custom_id, not from where it was submitted. */
  private async modal(interaction: ModalSubmitInteraction): Promise<void> {
    const ref = parseModalId(interaction.customId);
    if (!ref) {
      await this.send(interaction, plain("⚠️ This form is no longer supported; open it again."), true);
      return;
    }
    const entered: Record<string, string> = {};
    interaction.fields.fields.forEach((field, id) => {
      if ("value" in field && typeof field.value === "string") entered[id] = field.value;
    });
    const values = modalValuesSchema.parse(entered);
    const session = this.o.forms.get(interaction.user.id, ref);
    if (!session) {
      if (ref.pages > 1) {
        await this.send(interaction, plain("⚠️ This form has expired (unfinished forms are kept for 15 minutes). Please start it again."), true);
        return;
      }
      // A one-page form needs nothing from memory: its context came back in the custom_id.
      await this.submit(interaction, ref.formId, values, ref.context, undefined);
      return;
    }
    const next = this.o.forms.savePage(session, ref.page, values);
    if (next !== undefined) {
      const label = session.fixing ? `Fix page ${next + 1}/${ref.pages}` : `Next (${next + 1}/${ref.pages})`;
      const text = session.fixing
        ? `Page ${ref.page + 1}/${ref.pages} saved. Fix page ${next + 1} too; nothing is applied until then.`
        : `Page ${ref.page + 1}/${ref.pages} saved. Nothing is applied until the last page is submitted.`;
      await this.send(interaction, withButton(text, label, openButtonId(this.o.forms.ref(session, next))), true);
      return;
    }
    await this.submit(interaction, ref.formId, this.o.forms.submission(session), session.request.context, session);
  }

  private async submit(interaction: ModalSubmitInteraction, formId: string, values: Record<string, string>, context: FormRef["context"], session: FormSession | undefined): Promise<void> {
    const actor = this.actor(interaction);
    // The open form creates a channel over REST, like /incident open with a title.
    const slow = formId === FORM_IDS.open;
    await this.answer(
      interaction,
      async () => {
        const result = await this.o.app.router.submitForm({ actor, formId, values, context });
        if (result.ok) {
          if (session) this.o.forms.drop(session);
          return { kind: "reply", reply: result.reply };
        }
        const header = "⚠️ Some fields need fixing; nothing was applied:";
        if (!session) return plain([header, ...Object.entries(result.errors).map(([k, v]) => `• ${k}: ${v}`)].join("\n"));
        const text = [header, ...describeErrors(result.errors, session.request.form)].join("\n");
        const page = this.o.forms.markErrors(session, result.errors);
        if (page === undefined) {
          this.o.forms.drop(session);
          return plain(text);
        }
        const pages = session.pages.length;
        return withButton(text, pages > 1 ? `Fix page ${page + 1}/${pages}` : "Fix the form", openButtonId(this.o.forms.ref(session, page)));
      },
      slow,
    );
  }

  /** Run the core, answering in time: directly, or deferred when slow. */
  private async answer(interaction: Repliable, work: () => Promise<Answer>, deferFirst: boolean): Promise<void> {
    if (deferFirst) {
      await interaction.deferReply();
      await this.finishDeferred(interaction, await work());
      return;
    }
    const pending = work();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), this.deferAfterMs);
    });
    const first = await Promise.race([pending, late]);
    clearTimeout(timer);
    if (first === "late") {
      await interaction.deferReply();
      await this.finishDeferred(interaction, await pending);
      return;
    }
    await this.send(interaction, first, true);
  }

  /** The initial response: a message, or the form's first page as a modal. */
  private async send(interaction: Repliable, answer: Answer, modalAllowed: boolean): Promise<void> {
    if (answer.kind === "reply" && answer.reply.form) {
      const session = this.o.forms.start(interaction.user.id, answer.reply.form);
      if (modalAllowed && !interaction.isModalSubmit()) {
        await interaction.showModal(modalFor(session.request.form, session.pages, this.o.forms.ref(session, 0), session.values));
        return;
      }
      await interaction.reply(replyOptions(this.formLauncher(answer.reply.form, session), true));
      return;
    }
    const { message, ephemeral } = this.resolve(answer);
    await interaction.reply(replyOptions(message, ephemeral));
  }

  /** After deferReply (public): edit it, or swap it for an ephemeral follow-up. */
  private async finishDeferred(interaction: Repliable, answer: Answer): Promise<void> {
    if (answer.kind === "reply" && answer.reply.form) {
      const open = this.formLauncher(answer.reply.form, this.o.forms.start(interaction.user.id, answer.reply.form));
      await interaction.deleteReply();
      await interaction.followUp(replyOptions(open, true));
      return;
    }
    const { message, ephemeral } = this.resolve(answer);
    if (ephemeral) {
      await interaction.deleteReply();
      await interaction.followUp(replyOptions(message, true));
      return;
    }
    await interaction.editReply(editOptions(message));
  }

  /** A modal can only answer a command or a button: elsewhere the form opens from a button. */
  private formLauncher(form: FormRequest, session: FormSession): RenderedMessage {
    const pages = session.pages.length;
    const label = pages > 1 ? `Open the form (1/${pages})` : "Open the form";
    return buttonMessage(`${form.form.title.en}: fill in the form.`, label, openButtonId(this.o.forms.ref(session, 0)));
  }

  private resolve(answer: Answer): { message: RenderedMessage; ephemeral: boolean } {
    if (answer.kind === "raw") return { message: answer.message, ephemeral: answer.ephemeral };
    const { reply } = answer;
    const message = reply.message ? renderMessage(reply.message, { preferPlain: true }) : renderMessage({ text: "Done." }, { preferPlain: true });
    return { message, ephemeral: reply.ephemeral };
  }
}
