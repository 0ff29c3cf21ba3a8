import { z } from "zod";
import { viewStateSchema } from "./modal.js";

/** What warroom reads from Slack's payloads; anything else in them is ignored. */

export const slashCommandSchema = z.object({
  text: z.string().default(""),
  user_id: z.string().min(1),
  user_name: z.string().optional(),
  channel_id: z.string().min(1),
  trigger_id: z.string().min(1),
  response_url: z.string().optional(),
});
export type SlashCommandPayload = z.infer<typeof slashCommandSchema>;

const userSchema = z.object({ id: z.string().min(1), username: z.string().optional(), name: z.string().optional() });

export const blockActionsSchema = z.object({
  type: z.literal("block_actions"),
  trigger_id: z.string().min(1),
  user: userSchema,
  channel: z.object({ id: z.string() }).optional(),
  container: z.object({ channel_id: z.string().optional() }).optional(),
  actions: z
    .array(z.object({ type: z.string(), action_id: z.string().min(1), value: z.string().optional(), action_ts: z.string().optional() }))
    .min(1),
});
export type BlockActionsPayload = z.infer<typeof blockActionsSchema>;

export const viewSubmissionSchema = z.object({
  type: z.literal("view_submission"),
  trigger_id: z.string().optional(),
  user: userSchema,
  view: z.object({
    id: z.string().min(1),
    hash: z.string().optional(),
    callback_id: z.string(),
    private_metadata: z.string().default(""),
    state: z.object({ values: viewStateSchema }),
  }),
  response_urls: z.array(z.object({ response_url: z.string() })).optional(),
});
export type ViewSubmissionPayload = z.infer<typeof viewSubmissionSchema>;
