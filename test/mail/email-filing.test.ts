import { afterEach, describe, expect, it } from "vitest";
import { ENGINES, harnessOn, textOf, type Harness } from "../support/harness.js";
import { startSmtp, type TestSmtp } from "../support/smtp.js";

const ITEMS = [
  "report edit 1 ACME Pay Ltd（阿克米支付有限公司）; payment database cluster db-3",
  "report edit 2 客户记录经配置错误的副本泄露；副本已于09:20隔离",
];

let servers: TestSmtp[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function server(mode: "accept" | "reject" | "silent"): Promise<TestSmtp> {
  const s = await startSmtp(mode);
  servers.push(s);
  return s;
}

/** An incident with its commander (alice) and items 1-2 written: ready for an initial filing. */
async function ready(h: Harness): Promise<void> {
  await h.say("open Payment DB outage");
  await h.say("facts personal_info_people=1200000 operator_type=ordinary cii_affected=false");
  for (const line of ITEMS) await h.say(line);
}

async function filings(h: Harness) {
  const snap = await h.app.core.service.snapshot(1);
  const events = (await h.app.core.service.timeline(1)).filter((e) => e.type === "report_submitted");
  return { snap, events };
}

describe.each(ENGINES)("e-mail filing (%s)", (engine) => {
  it("sends the text with the Word and PDF attached and records the filing once the server accepts", async () => {
    const smtp = await server("accept");
    const h = await harnessOn(engine, undefined, undefined, { mail: smtp.mail() });
    await ready(h);
    h.clock.advance({ minutes: 25 });

    const preview = await h.say("email");
    expect(preview.ephemeral).toBe(true);
    expect(textOf(preview)).toContain("To: cac@example.gov.cn");
    expect(textOf(preview)).toContain("Attachments: incident-1-initial.docx (");
    expect(textOf(preview)).toContain("Items still missing: 3, 4, 5, 6, 7");
    expect(preview.message?.buttons).toEqual([{ action: "email_send", label: "Send", style: "primary", value: "1" }]);
    expect(smtp.messages).toHaveLength(0);

    // The Send button runs `email send` on the card's incident.
    const sent = await h.app.router.action({ actor: { platform: "test", id: "alice" }, channelId: h.room(), action: "email_send", value: "1" });
    expect(sent.ephemeral).toBe(false);
    expect(textOf(sent)).toContain("The mail server accepted the report at 2026-03-02 09:25 CST");
    expect(textOf(sent)).toContain("The report countdown has stopped.");

    expect(smtp.messages).toHaveLength(1);
    const { envelope, mail } = smtp.messages[0] as TestSmtp["messages"][number];
    expect(envelope).toEqual({ from: "warroom@acme.example", to: ["cac@example.gov.cn"] });
    expect(mail.subject).toBe("网络安全事件报告（初次报告）：#1 Payment DB outage | Network security incident report (initial report)");
    expect(mail.from?.text).toBe('"ACME war room" <warroom@acme.example>');
    // The text body is the draft, Chinese first.
    const body = mail.text ?? "";
    expect(body.indexOf("网络安全事件报告（初次报告）")).toBeGreaterThan(-1);
    expect(body.indexOf("网络安全事件报告（初次报告）")).toBeLessThan(body.indexOf("Network security incident report (initial report)"));
    expect(body).toContain("客户记录经配置错误的副本泄露");
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ["incident-1-initial.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
      ["incident-1-initial.pdf", "application/pdf"],
    ]);
    expect(mail.attachments[0]?.content.subarray(0, 2).toString()).toBe("PK");
    expect(mail.attachments[1]?.content.subarray(0, 5).toString()).toBe("%PDF-");

    const { snap, events } = await filings(h);
    expect(snap.initialFiled).toBe(true);
    expect(snap.submissions[0]).toMatchObject({ kind: "initial", channel: "email", reference: mail.messageId, submittedAt: "2026-03-02T01:25:00.000Z", recordedBy: "alice" });
    expect(events).toHaveLength(1);
    expect(events[0]?.payload).toMatchObject({ channel: "email", reference: mail.messageId });
    expect(events[0]?.payload).not.toHaveProperty("late");
  });

  it("a 550 refusal records nothing and the clock keeps running", async () => {
    const smtp = await server("reject");
    const h = await harnessOn(engine, undefined, undefined, { mail: smtp.mail() });
    await ready(h);
    const r = await h.say("email send");
    expect(r.ephemeral).toBe(true);
    expect(textOf(r)).toContain("The report was not sent: the mail server refused it (550");
    expect(textOf(r)).toContain("Nothing was recorded and the report clock keeps running.");
    const { snap, events } = await filings(h);
    expect(snap.initialFiled).toBe(false);
    expect(events).toHaveLength(0);
    expect(snap.clock?.deadlineAt).toBe("2026-03-02T05:00:00.000Z");
    // The countdown still warns: half time at 11:00 CST.
    await h.advance(125, 5);
    const warnings = (await h.app.core.service.timeline(1)).filter((e) => e.type === "countdown_warning");
    expect(warnings.length).toBeGreaterThan(0);
  });

  it("a silent server times out: a clear error, nothing recorded", async () => {
    const smtp = await server("silent");
    const h = await harnessOn(engine, undefined, undefined, { mail: smtp.mail({ timeoutMs: 300 }) });
    await ready(h);
    const r = await h.say("email send --to cac@example.gov.cn");
    expect(textOf(r)).toContain("The report was not sent: the mail server did not answer in time.");
    const { snap, events } = await filings(h);
    expect(snap.submissions).toHaveLength(0);
    expect(events).toHaveLength(0);
    expect(h.errors.some((e) => e.includes("did not answer in time"))).toBe(true);
  });
});

describe("e-mail filing: the checks and rights of /incident submitted", () => {
  it("refuses before sending while items 1-2 are empty, and to members without the filing right", async () => {
    const smtp = await server("accept");
    const h = await harnessOn("sqlite", undefined, undefined, { mail: smtp.mail() });
    await h.say("open Payment DB outage");
    await h.say("facts personal_info_people=1200000 operator_type=ordinary cii_affected=false");
    const empty = await h.say("email send");
    expect(textOf(empty)).toContain("The initial report must carry items 1 and 2 (Article 7)");
    const preview = await h.say("email");
    expect(textOf(preview)).toContain("⚠️ Cannot be sent yet: The initial report must carry items 1 and 2");
    expect(preview.message?.buttons).toEqual([]);
    await h.app.core.ports.get("test")?.invite(h.room(), ["bob"]);
    const bob = await h.say("email send", { user: "bob" });
    expect(textOf(bob)).toContain("Only the incident's commander (<@alice>) or compliance lead (unassigned) may use /incident email.");
    // --incomplete files without items 1-2, recorded with the reason, as with submitted.
    const filed = await h.say('email send --incomplete "operator details still being confirmed"');
    expect(textOf(filed)).toContain("reason recorded: operator details still being confirmed");
    expect(smtp.messages).toHaveLength(1);
    expect((await h.app.core.service.snapshot(1)).submissions[0]?.incompleteReason).toBe("operator details still being confirmed");
  });

  it("refuses bad options in one line and sends nothing", async () => {
    const smtp = await server("accept");
    const h = await harnessOn("sqlite", undefined, undefined, { mail: smtp.mail({ to: [] }) });
    await ready(h);
    const cases: [string, string][] = [
      ["email send", "No recipient: give --to <address>, or set WARROOM_REPORT_EMAIL_TO"],
      ["email send --to not-an-address", '--to: "not-an-address" is not an e-mail address.'],
      ['email send --to "cac@example.gov.cn\nBcc: spy@evil.example"', "--to: an address list holds a line break or control character."],
      ['email send --to "cac@example.gov.cn>, <spy@evil.example"', "is not an e-mail address"],
      [`email send --to ${"a".repeat(300)}@example.gov.cn`, "is longer than an e-mail address can be."],
      [`email send --to ${Array.from({ length: 11 }, (_, i) => `r${i}@example.gov.cn`).join(",")}`, "--to: at most 10 recipients."],
      ["email send --kind later --to cac@example.gov.cn", "--kind takes one of initial, supplementary, update, final"],
      ["email send --to", "--to takes an e-mail address"],
      ["email sned --to cac@example.gov.cn", 'Unknown argument "sned"'],
      ["email send --format pdf", "Unknown option --format."],
    ];
    for (const [input, expected] of cases) {
      const r = await h.say(input);
      expect(r.ephemeral, input).toBe(true);
      expect(textOf(r), input).toContain(expected);
      expect(textOf(r).split("\n")[0], input).not.toBe("");
    }
    expect(smtp.messages).toHaveLength(0);
    expect((await h.app.core.service.snapshot(1)).submissions).toHaveLength(0);
  });

  it("says what to set when e-mail filing is not configured", async () => {
    const h = await harnessOn("sqlite");
    await ready(h);
    const r = await h.say("email send --to cac@example.gov.cn");
    expect(textOf(r)).toContain("E-mail filing is not set up: WARROOM_SMTP_URL and WARROOM_MAIL_FROM are not set.");
    expect((await h.app.core.service.snapshot(1)).submissions).toHaveLength(0);
  });
});
