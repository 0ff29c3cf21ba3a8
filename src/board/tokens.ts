import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";

/** 256 random bits, URL-safe: what a link or a session cookie carries. */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Only the hash is stored: a copy of the database lets nobody sign in. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The shape of a token as newToken makes it; anything else is refused before the database is asked. */
export const tokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
