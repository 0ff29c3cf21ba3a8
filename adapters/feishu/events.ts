import { z } from "zod";
import { formSubmissionSchema } from "./form-card.js";

/** A decrypted callback body: the URL check, or a 2.0 event (messages and card actions alike). */
export const challengeSchema = z.object({ type: z.literal("url_verification"), challenge: z.string().max(200), token: z.string() });

export const envelopeSchema = z.object({
  schema: z.literal("2.0"),
  header: z.object({
    event_id: z.string().min(1).max(200),
    token: z.string(),
    event_type: z.string().max(100),
    create_time: z.string().optional(),
    app_id: z.string().optional(),
  }),
  event: z.unknown(),
});
export type Envelope = z.infer<typeof envelopeSchema>;

const openId = z.string().min(1).max(100);

/**
 * The SDK hands a handler the header's and the event's fields merged into one object; these
 * schemas read that shape. Only what warroom uses is required.
 */
export const messageEventSchema = z.object({
  event_id: z.string(),
  token: z.string(),
  sender: z.object({ sender_id: z.object({ open_id: openId }), sender_type: z.string().optional() }),
  message: z.object({
    message_id: z.string().min(1).max(100),
    chat_id: z.string().min(1).max(100),
    chat_type: z.string().max(20),
    message_type: z.string().max(40),
    content: z.string(),
    mentions: z
      .array(z.object({ key: z.string().max(40), id: z.object({ open_id: z.string().optional() }), name: z.string().optional() }))
      .max(100)
      .optional(),
  }),
});
export type MessageEvent = z.infer<typeof messageEventSchema>;

export const textContentSchema = z.object({ text: z.string() });

export const cardActionSchema = z.object({
  event_id: z.string(),
  token: z.string(),
  operator: z.object({ open_id: openId }),
  action: z.object({
    tag: z.string().max(40).optional(),
    name: z.string().max(100).optional(),
    value: z.unknown().optional(),
    form_value: formSubmissionSchema.optional(),
  }),
  context: z.object({ open_message_id: z.string().max(100).optional(), open_chat_id: z.string().min(1).max(100) }),
});
export type CardAction = z.infer<typeof cardActionSchema>;

export const buttonValueSchema = z.object({ a: z.string().regex(/^[a-z_-]{1,40}$/), v: z.string().max(100).optional() });
