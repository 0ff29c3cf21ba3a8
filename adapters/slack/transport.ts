import { fetch as undiciFetch, ProxyAgent, type RequestInit as UndiciRequestInit } from "undici";
import type { webApi } from "@slack/bolt";
import { z } from "zod";

export interface ProxiedFetch {
  fetch: webApi.FetchFunction;
  close(): Promise<void>;
}

/** Web API calls, response_url posts and file uploads all leave through the HTTPS proxy. */
export function proxiedFetch(proxyUrl: string): ProxiedFetch {
  const dispatcher = new ProxyAgent(proxyUrl);
  const fetch: webApi.FetchFunction = (url, init) => undiciFetch(url, { ...(init as UndiciRequestInit), dispatcher });
  return { fetch, close: () => dispatcher.close() };
}

const rateLimitedSchema = z.object({
  code: z.literal("slack_webapi_request_error"),
  original: z.instanceof(Error).refine((e) => e.message.startsWith("A rate limit was exceeded")),
});

/**
 * Retry only what Slack refused with 429: the WebClient has already waited out
 * Retry-After, and Slack did not act on the request. A network error or a 5xx may have
 * reached Slack, and a blind repeat could post twice; those fail to the caller, and the
 * outbox retries with a look-up first. The WebClient reports a waited-out 429 as a request
 * error wrapping its own "A rate limit was exceeded" error; the 429 test pins that.
 */
export function rateLimitRetries(retries = 10): webApi.RetryOptions {
  const options: webApi.RetryOptions & { onFailedAttempt(error: Error): void } = {
    retries,
    factor: 1.5,
    minTimeout: 50,
    maxTimeout: 5_000,
    randomize: true,
    onFailedAttempt(error) {
      if (!rateLimitedSchema.safeParse(error).success) throw error;
    },
  };
  return options;
}
