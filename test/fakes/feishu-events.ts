import { createCipheriv, createHash, randomBytes } from "node:crypto";

/**
 * Callbacks as Feishu sends them: the JSON encrypted with the app's encrypt key
 * (AES-256-CBC, key = SHA-256 of the encrypt key, a random IV in front, base64) inside
 * `{"encrypt": …}`, and signed: X-Lark-Signature = hex SHA-256 of timestamp + nonce +
 * encrypt key + body. Written here from the protocol, not with the SDK's helpers.
 */

export function encrypt(encryptKey: string, plain: string): string {
  const key = createHash("sha256").update(encryptKey).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  return Buffer.concat([iv, cipher.update(plain, "utf8"), cipher.final()]).toString("base64");
}

export interface SignedOptions {
  encryptKey: string;
  /** Seconds since the epoch; default now. */
  timestampSec?: number;
  nonce?: string;
  /** Overrides the computed signature (forgeries). */
  signature?: string;
  /** Sign with this key instead (a forger who does not know the real one). */
  signWith?: string;
  /** Send the JSON in clear instead of encrypted. */
  clear?: boolean;
}

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

export function signedRequest(event: unknown, o: SignedOptions): SignedRequest {
  const body = o.clear ? JSON.stringify(event) : JSON.stringify({ encrypt: encrypt(o.encryptKey, JSON.stringify(event)) });
  const timestamp = String(o.timestampSec ?? Math.floor(Date.now() / 1000));
  const nonce = o.nonce ?? randomBytes(8).toString("hex");
  const signature = o.signature ?? createHash("sha256").update(timestamp + nonce + (o.signWith ?? o.encryptKey) + body).digest("hex");
  return { body, headers: { "content-type": "application/json", "x-lark-request-timestamp": timestamp, "x-lark-request-nonce": nonce, "x-lark-signature": signature } };
}

export async function send(url: string, req: SignedRequest): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { method: "POST", headers: req.headers, body: req.body });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export interface Header {
  eventId: string;
  token: string;
  appId: string;
}

const header = (h: Header, eventType: string) => ({
  event_id: h.eventId,
  token: h.token,
  create_time: String(Date.now()),
  event_type: eventType,
  tenant_key: "fake-tenant",
  app_id: h.appId,
});

export interface TextMessage {
  text: string;
  sender: string;
  chatId: string;
  chatType?: "group" | "p2p";
  messageId: string;
  mentions?: { key: string; openId: string; name: string }[];
}

export function messageEvent(h: Header, m: TextMessage) {
  return {
    schema: "2.0",
    header: header(h, "im.message.receive_v1"),
    event: {
      sender: { sender_id: { open_id: m.sender, union_id: `on_${m.sender}`, user_id: m.sender }, sender_type: "user", tenant_key: "fake-tenant" },
      message: {
        message_id: m.messageId,
        root_id: "",
        parent_id: "",
        create_time: String(Date.now()),
        chat_id: m.chatId,
        chat_type: m.chatType ?? "group",
        message_type: "text",
        content: JSON.stringify({ text: m.text }),
        mentions: (m.mentions ?? []).map((x) => ({ key: x.key, id: { open_id: x.openId, union_id: "", user_id: "" }, name: x.name, tenant_key: "fake-tenant" })),
      },
    },
  };
}

export interface CardClick {
  operator: string;
  chatId: string;
  messageId: string;
  value: unknown;
  formValue?: Record<string, unknown>;
  name?: string;
}

export function cardActionEvent(h: Header, c: CardClick) {
  return {
    schema: "2.0",
    header: header(h, "card.action.trigger"),
    event: {
      operator: { tenant_key: "fake-tenant", open_id: c.operator, union_id: "", user_id: "" },
      token: "c-update-token",
      action: { tag: "button", value: c.value, ...(c.name ? { name: c.name } : {}), ...(c.formValue ? { form_value: c.formValue } : {}) },
      host: "im_message",
      context: { open_message_id: c.messageId, open_chat_id: c.chatId },
    },
  };
}

export function challengeEvent(token: string, challenge: string) {
  return { challenge, token, type: "url_verification" };
}
