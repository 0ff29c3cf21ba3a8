import { z } from "zod";
import { charCount } from "../limits.js";

/** The platforms a link can name: those with an adapter, and the shell. */
export const LINK_PLATFORMS = ["shell", "slack", "discord", "feishu"] as const;

const linkRequest = z.object({
  user: z
    .string()
    .trim()
    .min(1, "--link takes a user id")
    .refine((s) => charCount(s, 100) <= 100, "--link: a user id is at most 100 characters")
    .regex(/^[^\s\p{Cc}]+$/u, "--link: a user id has no spaces or control characters"),
  platform: z.enum(LINK_PLATFORMS, { message: `--platform takes ${LINK_PLATFORMS.join(", ")}` }).default("shell"),
  name: z
    .string()
    .trim()
    .min(1, "--name takes a display name (leave it out to show the user id)")
    .refine((s) => charCount(s, 100) <= 100, "--name: at most 100 characters")
    .optional(),
});

export type LinkRequest = z.infer<typeof linkRequest>;

/** `warroom board --link <user> [--platform …] [--name …]`, checked: the user, or the first problem in one line. */
export function parseLinkRequest(input: { user?: string; platform?: string; name?: string }): { success: true; data: LinkRequest } | { success: false; error: string } {
  const parsed = linkRequest.safeParse(input);
  return parsed.success ? { success: true, data: parsed.data } : { success: false, error: parsed.error.issues[0]?.message ?? "bad --link" };
}
