import { z } from "zod";

const platformError = z.object({ code: z.literal("slack_webapi_platform_error"), data: z.object({ error: z.string() }) });

/** The Slack error code (`name_taken`, `already_pinned` …) of a failed Web API call, if it is one. */
export function slackError(err: unknown): string | undefined {
  const parsed = platformError.safeParse(err);
  return parsed.success ? parsed.data.data.error : undefined;
}

export function describe(err: unknown): string {
  return slackError(err) ?? (err instanceof Error ? err.message : String(err));
}
