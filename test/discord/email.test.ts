import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeUser } from "../fakes/discord.js";
import { customIds, finalAnswer, isEphemeral, startHarness, textOf, type Harness } from "./harness.js";
import { startSmtp, type TestSmtp } from "../support/smtp.js";
import { pdfText, docxParts } from "../support/documents.js";

describe("Discord adapter: a drill from open to the e-mail filing", () => {
  let h: Harness;
  let smtp: TestSmtp;
  let alice: FakeUser;
  let channelId = "";

  beforeAll(async () => {
    smtp = await startSmtp("accept");
    h = await startHarness({ mail: smtp.mail() });
    alice = h.fake.addUser("alice", [h.fake.responderRoleId]);
  });

  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  it("opens, classifies and writes items 1-2", async () => {
    await finalAnswer(h.fake, h.fake.slash(alice, h.fake.generalChannelId, "open", { title: "Payment DB leak" }));
    channelId = [...h.fake.channels.values()].find((c) => c.name === "inc-20260302-payment-db-leak")?.id ?? "";
    expect(channelId).not.toBe("");
    await finalAnswer(h.fake, h.fake.slash(alice, channelId, "facts", { "personal-info-people": 1200000, "cii-affected": false, "operator-type": "ordinary" }));
    await finalAnswer(h.fake, h.fake.slash(alice, channelId, "report-edit", { item: 1, text: "ACME Pay Ltd（阿克米支付）, payment database cluster" }));
    await finalAnswer(h.fake, h.fake.slash(alice, channelId, "report-edit", { item: 2, text: "客户记录泄露；副本已隔离" }));
    expect((await h.app.core.service.snapshot(1)).missingItems).not.toContain("incident_and_impact");
  });

  it("attaches the PDF and the Word report as Discord attachments", async () => {
    const pdf = await finalAnswer(h.fake, h.fake.slash(alice, channelId, "report", { format: "pdf" }));
    expect(pdf.files.map((f) => [f.name, f.type])).toEqual([["incident-1-initial.pdf", "application/pdf"]]);
    const bytes = pdf.files[0]?.bytes ?? Buffer.alloc(0);
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdfText(bytes)).toContain("客户记录泄露；副本已隔离");

    const docx = await finalAnswer(h.fake, h.fake.slash(alice, channelId, "report", { format: "docx", lang: "zh" }));
    expect(docx.files.map((f) => f.name)).toEqual(["incident-1-initial-zh.docx"]);
    expect((await docxParts(docx.files[0]?.bytes ?? Buffer.alloc(0))).text).toContain("ACME Pay Ltd（阿克米支付）, payment database cluster");
  });

  it("previews the e-mail with a Send button; the button sends it and records the filing", async () => {
    const preview = await finalAnswer(h.fake, h.fake.slash(alice, channelId, "email"));
    expect(isEphemeral(preview)).toBe(true);
    expect(textOf(preview)).toContain("To: cac@example.gov.cn");
    expect(textOf(preview)).toContain("incident-1-initial.docx");
    expect(customIds(preview)).toEqual(["warroom:email_send:1"]);
    expect(smtp.messages).toHaveLength(0);

    const sent = await finalAnswer(h.fake, h.fake.button(alice, channelId, "warroom:email_send:1"));
    expect(isEphemeral(sent)).toBe(false);
    expect(textOf(sent)).toContain("The mail server accepted the report");
    expect(textOf(sent)).toContain("The report countdown has stopped.");
    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0]?.mail;
    expect(mail?.attachments.map((a) => a.filename)).toEqual(["incident-1-initial.docx", "incident-1-initial.pdf"]);
    const snap = await h.app.core.service.snapshot(1);
    expect(snap.submissions[0]).toMatchObject({ kind: "initial", channel: "email", reference: mail?.messageId });
  });
});
