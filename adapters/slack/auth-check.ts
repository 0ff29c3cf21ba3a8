import { webApi } from "@slack/bolt";
import { boltLogger } from "./logger.js";

/** Slack cannot be used at start-up: one line naming Slack and the variable to look at. */
export class SlackStartError extends Error {}

/** How long the start-up token check waits for Slack before giving up. */
export const SLACK_AUTH_TIMEOUT_MS = 10_000;

export interface SlackAuthCheckOptions {
  token: string;
  apiUrl: string;
  /** The URL came from SLACK_API_URL (named in the error line). */
  apiUrlConfigured: boolean;
  timeoutMs: number;
  /** The proxied fetch, when HTTPS_PROXY is set. */
  fetch?: webApi.FetchFunction;
}

export interface SlackIdentity {
  botUserId?: string;
  botId?: string;
}

const silent = boltLogger({ info: () => undefined, error: () => undefined });

const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${ms / 1000} s`);

/** Node's network error codes in words. */
const NETWORK: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  UND_ERR_SOCKET: "connection closed",
};

function networkReason(err: Error): string {
  let cause: unknown = err;
  for (let depth = 0; cause instanceof Error && depth < 5; depth++) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code && NETWORK[code]) return NETWORK[code];
    cause = cause.cause;
  }
  return (err.cause instanceof Error ? err.cause.message : err.message).split("\n")[0] as string;
}

/** Turn a failed auth.test into one line. */
export function startFailure(err: unknown, o: Pick<SlackAuthCheckOptions, "apiUrl" | "apiUrlConfigured" | "timeoutMs" | "fetch">): SlackStartError {
  const where = `Slack at ${o.apiUrl}${o.apiUrlConfigured ? " (SLACK_API_URL)" : ""}${o.fetch ? " through HTTPS_PROXY" : ""}`;
  // By code, as the WebClient's errors carry it (see errors.ts).
  const e = err as { code?: string; data?: { error?: string }; statusCode?: number; original?: Error };
  if (e.code === webApi.ErrorCode.PlatformError && e.data?.error) {
    const code = e.data.error;
    const tokenProblem = ["invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "no_permission", "ekm_access_denied"];
    return new SlackStartError(tokenProblem.includes(code) ? `Slack refused SLACK_BOT_TOKEN: ${code}` : `the Slack token check failed: ${code}`);
  }
  if (e.code === webApi.ErrorCode.HTTPError) return new SlackStartError(`${where} answered HTTP ${e.statusCode} to the token check`);
  if (e.code === webApi.ErrorCode.RequestError && e.original instanceof Error) {
    const name = e.original.name;
    if (name === "TimeoutError" || name === "AbortError") return new SlackStartError(`${where} did not answer within ${seconds(o.timeoutMs)}`);
    return new SlackStartError(`cannot reach ${where}: ${networkReason(e.original)}`);
  }
  return new SlackStartError(`the Slack token check failed: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
}

/**
 * The start-up token check (auth.test), bounded in time: a wrong token, an unreachable
 * Slack or one that never answers stops the start with one line instead of a stack trace
 * or a hang. Tried once; the answer gives Bolt the bot's identity, so it does not ask again.
 */
export async function checkSlackAuth(o: SlackAuthCheckOptions): Promise<SlackIdentity> {
  const client = new webApi.WebClient(o.token, {
    slackApiUrl: o.apiUrl,
    timeout: o.timeoutMs,
    retryConfig: { retries: 0 },
    logger: silent,
    ...(o.fetch ? { fetch: o.fetch } : {}),
  });
  try {
    const result = await client.auth.test();
    return { botUserId: result.user_id, botId: result.bot_id };
  } catch (err) {
    throw startFailure(err, o);
  }
}
