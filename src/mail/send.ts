import { Transform } from "node:stream";
import nodemailer from "nodemailer";
import type Mail from "nodemailer/lib/mailer/index.js";
import type { MailConfig } from "../config.js";

import { MailError } from "./errors.js";
import { echo } from "../limits.js";
import type { Outgoing, Sent } from "./types.js";

const addressOf = (a: string | Mail.Address | undefined): string => (a === undefined ? "" : typeof a === "string" ? a : (a.address ?? ""));

/** Server text reaches chat: one short line, nothing that could format or ping. */
const oneLine = (s: string) => echo(s.replace(/[\u0000-\u001f\u007f]+/g, " ").trim(), 200);

function options(o: Outgoing): Mail.Options {
  return {
    messageId: o.messageId,
    from: o.from,
    to: o.to,
    subject: o.subject,
    text: o.text,
    attachments: o.attachments,
    // Never let nodemailer fetch a URL or read a file named in the message: it is all in memory.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/** Why a send failed, for the person filing. The SMTP URL (with its password) is never shown. */
function explain(err: unknown): string {
  const e = err as { code?: string; responseCode?: number; response?: string; message?: string };
  if (typeof e.responseCode === "number" && e.responseCode >= 400) {
    return `the mail server refused it (${e.responseCode}${e.response ? `: ${oneLine(e.response.replace(/^\d{3}[ -]?/, ""))}` : ""})`;
  }
  if (e.code === "ETIMEDOUT" || /timeout/i.test(e.message ?? "")) return "the mail server did not answer in time";
  if (e.code === "ECONNECTION" || e.code === "ESOCKET" || e.code === "EDNS") return `the mail server could not be reached (${oneLine(e.message ?? e.code)})`;
  if (e.code === "EAUTH") return "the mail server did not accept warroom's login (check WARROOM_SMTP_URL)";
  return `sending failed (${oneLine(e.message ?? String(err))})`;
}

/**
 * Send through SMTP. Resolves only once the server has accepted the message (its 250 after
 * DATA); a refusal, a dropped connection or silence past the timeout rejects with MailError.
 */
export async function sendSmtp(config: MailConfig, o: Outgoing): Promise<Sent> {
  if (!config.smtpUrl) throw new MailError("E-mail filing is not set up: WARROOM_SMTP_URL is not set.");
  const transport = nodemailer.createTransport({
    url: config.smtpUrl,
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
    // Every filing opens its own connection: a pooled one could hide a dead server.
    pool: false,
  });
  // The whole message has passed to the connection: from then on, silence is not a refusal.
  let delivered = false;
  transport.use("stream", (mail, done) => {
    mail.message.transform(
      () =>
        new Transform({
          transform: (chunk: Buffer, _encoding, next) => next(null, chunk),
          flush: (next) => {
            delivered = true;
            next();
          },
        }),
    );
    done();
  });
  try {
    const info = await transport.sendMail(options(o));
    const accepted = info.accepted.map(addressOf);
    if (!accepted.length) throw new MailError(`The mail server accepted none of the recipients (${info.rejected.map(addressOf).join(", ")}).`);
    return { messageId: info.messageId, accepted, rejected: info.rejected.map(addressOf) };
  } catch (err) {
    if (err instanceof MailError) throw err;
    const refused = typeof (err as { responseCode?: unknown }).responseCode === "number";
    if (delivered && !refused) {
      throw new MailError(
        `The mail server received the whole report (Message-ID ${o.messageId}) but did not confirm it: ${explain(err)}. It may have been accepted. Ask the mail server's operator or a recipient whether Message-ID ${o.messageId} arrived before sending again.`,
        true,
      );
    }
    throw new MailError(`The report was not sent: ${explain(err)}.`);
  } finally {
    transport.close();
  }
}

/** Build the message exactly as it would go out, without a server: what a drill shows. */
export async function composeOnly(o: Outgoing): Promise<Sent> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  const info = await transport.sendMail(options(o));
  const raw = info.message as Buffer;
  return { messageId: info.messageId, accepted: [], rejected: [], size: raw.length };
}
