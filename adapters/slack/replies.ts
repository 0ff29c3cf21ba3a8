import type { webApi } from "@slack/bolt";
import type { RespondFn } from "@slack/bolt";
import type { Reply } from "../../src/bot/adapter.js";
import type { FormRequest } from "../../src/bot/forms.js";
import type { Message } from "../../src/bot/message.js";
import type { Logger } from "../../src/bot/core.js";
import type { SlackPort } from "./port.js";
import { renderMessage } from "./render.js";
import { renderModal } from "./modal.js";
import { describe, slackError } from "./errors.js";

/** Where a reply goes: the invoker, in the channel they acted in. */
export interface ReplyTarget {
  channelId: string;
  userId: string;
  /** Opens a modal; Slack honours it for 3 seconds after the interaction. */
  triggerId?: string;
  /** response_url of a slash command or button: works even where the bot is not a member. */
  respond?: RespondFn;
}

export interface ReplyDeps {
  client: webApi.WebClient;
  port: SlackPort;
  /** The authority's zone, for datetime fields. */
  zone: string;
  log: Logger;
}

/** Shows the core's Reply to the user: a modal, an ephemeral note, or a post in the channel. */
export class ReplyDelivery {
  constructor(private readonly d: ReplyDeps) {}

  async deliver(reply: Reply, t: ReplyTarget): Promise<void> {
    // The trigger expires first, so the form opens before anything else is sent.
    if (reply.form) await this.openForm(reply.form, t);
    if (!reply.message) return;
    if (reply.ephemeral) await this.ephemeral(reply.message, t);
    else await this.inChannel(reply.message, t);
  }

  async openForm(form: FormRequest, t: ReplyTarget): Promise<void> {
    if (!t.triggerId) {
      await this.ephemeral({ text: "⚠️ This form can only open from a command or a button. Run the command again." }, t);
      return;
    }
    try {
      await this.d.client.views.open({ trigger_id: t.triggerId, view: renderModal(form, this.d.zone) });
    } catch (err) {
      this.d.log.error(`could not open the ${form.form.id} form: ${describe(err)}`);
      await this.ephemeral({ text: "⚠️ The form could not be opened in time. Run the command again." }, t);
    }
  }

  /**
   * Only the invoker sees it: through the response_url when there is one, else
   * chat.postEphemeral; if the bot cannot post in that channel, as a direct message.
   */
  async ephemeral(message: Message, t: ReplyTarget): Promise<void> {
    const { text, blocks } = renderMessage(message);
    if (t.respond) {
      try {
        await t.respond({ response_type: "ephemeral", replace_original: false, text, blocks });
        return;
      } catch (err) {
        this.d.log.error(`response_url failed, posting instead: ${describe(err)}`);
      }
    }
    try {
      await this.d.client.chat.postEphemeral({ channel: t.channelId, user: t.userId, text, blocks });
    } catch (err) {
      this.d.log.error(`ephemeral reply in ${t.channelId} failed, sending it directly: ${describe(err)}`);
      await this.d.client.chat.postMessage({ channel: t.userId, text, blocks });
    }
  }

  /** In the channel, by the bot; where the bot is not a member, through the response_url. */
  async inChannel(message: Message, t: ReplyTarget): Promise<void> {
    try {
      await this.d.port.post(t.channelId, message);
    } catch (err) {
      const code = slackError(err);
      if (!t.respond || (code !== "not_in_channel" && code !== "channel_not_found")) throw err;
      const { text, blocks } = renderMessage(message);
      await t.respond({ response_type: "in_channel", replace_original: false, text, blocks });
    }
  }
}
