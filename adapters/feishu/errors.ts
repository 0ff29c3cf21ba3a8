import { z } from "zod";

/** Feishu's "too many requests" business code; it comes with HTTP 429 or, on some gateways, 400. */
export const RATE_LIMITED = 99991400;

/** A Feishu Open Platform call that failed: the code and message Feishu gave, and what we were doing. */
export class FeishuError extends Error {
  constructor(
    readonly what: string,
    readonly code: number | undefined,
    readonly feishuMessage: string,
    readonly status?: number,
  ) {
    super(`${what} failed: ${code !== undefined ? `Feishu code ${code}: ` : ""}${feishuMessage}`);
  }
}

/** Feishu cannot be used at start-up: one line naming Feishu and the variable to look at. */
export class FeishuStartError extends Error {}

const envelopeSchema = z.object({ code: z.number(), msg: z.string().optional() });

/** The SDK rejects with axios' error for any non-2xx answer; only these fields matter here. */
const httpErrorSchema = z.object({
  message: z.string(),
  code: z.string().optional(),
  response: z
    .object({
      status: z.number(),
      // axios hands its own header object; read as a plain record below.
      headers: z.unknown().optional(),
      data: z.unknown(),
    })
    .optional(),
});

export interface FailedCall {
  status?: number;
  code?: number;
  message: string;
  /** Seconds until the rate-limit window resets, from x-ogw-ratelimit-reset. */
  resetSec?: number;
  /** A connection-level failure (no answer at all). */
  network?: string;
}

/** What a rejected SDK call says, without the request (it may carry the message text or a token). */
export function failedCall(err: unknown): FailedCall {
  const parsed = httpErrorSchema.safeParse(err);
  if (!parsed.success) return { message: err instanceof Error ? err.message : String(err) };
  const { response } = parsed.data;
  // The SDK's token fetch throws a plain Error naming Feishu's code in its message.
  const token = /access_token, code: (\d+), msg: (.*)$/.exec(parsed.data.message);
  if (token) return { code: Number(token[1]), message: token[2] ?? "" };
  if (!response) return parsed.data.code ? { message: parsed.data.message, network: parsed.data.code } : { message: parsed.data.message };
  const body = envelopeSchema.safeParse(response.data);
  const headers = typeof response.headers === "object" && response.headers !== null ? (response.headers as Record<string, unknown>) : {};
  const reset = Number(headers["x-ogw-ratelimit-reset"]);
  return {
    status: response.status,
    ...(body.success ? { code: body.data.code } : {}),
    message: body.success ? (body.data.msg ?? "") : `HTTP ${response.status}`,
    ...(Number.isFinite(reset) && reset >= 0 ? { resetSec: reset } : {}),
  };
}

export function isRateLimited(f: Pick<FailedCall, "status" | "code">): boolean {
  return f.status === 429 || f.code === RATE_LIMITED;
}

/** Codes a user can act on, in words; anything else is named by its code and logged. */
const EXPLAINED: Record<number, string> = {
  99991663: "the app's access token was refused; an administrator must check FEISHU_APP_ID and FEISHU_APP_SECRET",
  99991672: "the app lacks a permission (scope) this needs; an administrator must grant it in the developer console",
  99991400: "Feishu is rate-limiting the app; try again in a minute",
  230002: "the bot is not in this chat; add the bot to the chat first",
  230006: "the bot ability is not enabled for this app",
  230013: "the bot cannot message a user outside its availability range",
  230027: "the app lacks permission for this chat",
  232009: "the chat has been dissolved",
  232011: "the bot is not allowed to add people to this chat",
  232024: "some of the people could not be added: they are outside the app's availability range",
  232033: "the chat is full",
};

/** A user-facing sentence for a failed Feishu call: never a stack, always what to do. */
export function explain(err: unknown): string {
  if (err instanceof FeishuError) {
    const known = err.code !== undefined ? EXPLAINED[err.code] : undefined;
    return known ? `Feishu refused: ${known} (code ${err.code}).` : `Feishu refused the request${err.code !== undefined ? ` (code ${err.code})` : ""}; the error has been logged.`;
  }
  return "Something went wrong on our side while answering; the error has been logged.";
}

export function describe(err: unknown): string {
  return err instanceof Error ? err.message.split("\n")[0] as string : String(err);
}
