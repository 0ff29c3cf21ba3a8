import type { Message, PostedMessage } from "./message.js";
import type { FieldErrors, FormRequest, FormValues } from "./forms.js";

/** Who did something, as the platform identifies them. */
export interface Actor {
  platform: string;
  id: string;
  name?: string;
}

/** `/incident <text>` typed (or built from typed options) in a channel. */
export interface CommandInput {
  actor: Actor;
  channelId: string;
  /** Everything after `/incident`, e.g. `facts personal_info_people=1200000`. */
  text: string;
}

/** A button on a card was pressed. */
export interface ActionInput {
  actor: Actor;
  channelId: string;
  action: string;
  value?: string;
}

export interface FormSubmission {
  actor: Actor;
  formId: string;
  values: FormValues;
  context: { incidentId?: number; channelId: string };
}

/** What the invoking user sees. */
export interface Reply {
  /** Only the invoker sees it (errors, refusals, help). */
  ephemeral: boolean;
  message?: Message;
  /** Open this form for the invoker. */
  form?: FormRequest;
}

export type FormResult = { ok: true; reply: Reply } | { ok: false; errors: FieldErrors };

export interface ChannelRequest {
  /** Already valid for the platform's naming rules is not assumed: adapters normalise. */
  name: string;
  /**
   * The same name in words, title kept in its own script (`inc-20260302 支付数据库泄露`), for
   * platforms whose channel names may be any text (Feishu).
   */
  displayName?: string;
  topic?: string;
  private: boolean;
  /** Users to invite besides the adapter's configured responders. */
  members: string[];
}

export interface PostOptions {
  /** Same key, same message: a repeat returns the first message's id instead of posting again. */
  idempotencyKey?: string;
  /**
   * An earlier attempt with this key may have reached the platform (it failed or the process
   * died mid-way): the adapter must look before it posts. False for a first attempt.
   */
  mayExist?: boolean;
}

/** A started adapter, as the launcher holds it. */
export interface RunningAdapter {
  port: ChatPort;
  /** What GET /healthz adds for this adapter, e.g. whether this replica holds the gateway. */
  health?(): Record<string, string | boolean>;
  stop(): Promise<void>;
}

/**
 * What the core needs from a chat platform. Adapters implement it; nothing in src/
 * knows which platform is behind it.
 */
export interface ChatPort {
  readonly platform: string;
  createChannel(request: ChannelRequest): Promise<{ id: string; name: string }>;
  setTopic(channelId: string, topic: string): Promise<void>;
  /** Let these users into the incident channel (a no-op where they can already see it). */
  invite(channelId: string, userIds: string[]): Promise<void>;
  /**
   * Post a message. With an idempotency key, posting the same key twice must show the
   * message once (Discord: enforce_nonce; Slack: message metadata look-up; shell: key log),
   * so that the outbox can retry after a crash without doubling.
   */
  post(channelId: string, message: Message, options?: PostOptions): Promise<PostedMessage>;
  edit(channelId: string, messageId: string, message: Message): Promise<void>;
  pin(channelId: string, messageId: string): Promise<void>;
  /** Whether the user may act in this incident channel (a member of it). */
  isMember(channelId: string, userId: string): Promise<boolean>;
  /** IANA zone of the user, where the platform knows it. */
  userZone?(userId: string): Promise<string | undefined>;
}

/** The core's entry points, which adapters call. */
export interface BotHandlers {
  command(input: CommandInput): Promise<Reply>;
  action(input: ActionInput): Promise<Reply>;
  submitForm(submission: FormSubmission): Promise<FormResult>;
}
