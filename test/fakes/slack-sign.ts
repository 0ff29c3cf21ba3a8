import { createHmac } from "node:crypto";

/**
 * Requests as Slack sends them: signed with the app's signing secret
 * (`v0=` + HMAC-SHA256 of `v0:<timestamp>:<body>`), form-encoded.
 */

export function slackSignature(secret: string, timestampSec: number, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestampSec}:${body}`).digest("hex")}`;
}

export interface SignedPost {
  secret: string;
  body: string;
  /** Seconds since the epoch; defaults to now. */
  timestampSec?: number;
  /** Overrides the computed signature (forgeries). */
  signature?: string;
  /** Sent as X-Slack-Retry-Num, as Slack does when it redelivers. */
  retryNum?: number;
}

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

export function signedRequest(p: SignedPost): SignedRequest {
  const ts = p.timestampSec ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    "x-slack-request-timestamp": String(ts),
    "x-slack-signature": p.signature ?? slackSignature(p.secret, ts, p.body),
  };
  if (p.retryNum !== undefined) {
    headers["x-slack-retry-num"] = String(p.retryNum);
    headers["x-slack-retry-reason"] = "http_timeout";
  }
  return { body: p.body, headers };
}

export async function send(url: string, req: SignedRequest): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: "POST", headers: req.headers, body: req.body });
  return { status: res.status, text: await res.text() };
}

export async function postSigned(url: string, p: SignedPost): Promise<{ status: number; text: string }> {
  return send(url, signedRequest(p));
}

export interface SlashCommand {
  text: string;
  userId: string;
  channelId: string;
  triggerId: string;
  responseUrl: string;
  userName?: string;
  command?: string;
}

export function slashCommandBody(c: SlashCommand): string {
  return new URLSearchParams({
    token: "deprecated-verification-token",
    team_id: "T0001",
    team_domain: "fake",
    channel_id: c.channelId,
    channel_name: "channel",
    user_id: c.userId,
    user_name: c.userName ?? c.userId.toLowerCase(),
    command: c.command ?? "/incident",
    text: c.text,
    api_app_id: "A0001",
    response_url: c.responseUrl,
    trigger_id: c.triggerId,
  }).toString();
}

/** Interactions (buttons, modal submissions) arrive as `payload=<json>`. */
export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
