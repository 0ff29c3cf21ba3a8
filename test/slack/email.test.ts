import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Harness } from "./harness.js";
import { eventually } from "../support/eventually.js";
import { startSmtp, type TestSmtp } from "../support/smtp.js";
import { docxParts, pdfText } from "../support/documents.js";

const ALICE = "UALICE";

const GENERAL = "CGENERAL";

describe("Slack adapter: a drill from open to the e-mail filing", () => {
  let smtp: TestSmtp;
  let h: Harness;
  let channel = "";

  beforeAll(async () => {
    smtp = await startSmtp("accept");
    h = new Harness({ mail: smtp.mail({ to: ["cac@example.gov.cn", "compliance@acme.example"] }) });
    await h.start();
  });
  afterAll(async () => {
    await h.close();
    await smtp.close();
  });

  it("opens, classifies and writes items 1-2", async () => {
    await h.command("open Payment DB outage", ALICE, GENERAL);
    await h.fake.waitFor((c) => c.method === "pins.add");
    channel = h.fake.channelByName("inc-20260302-payment-db-outage")?.id ?? "";
    const snap = () => h.app.core.service.snapshot(1);
    await h.command("facts personal_info_people=1200000 operator_type=ordinary cii_affected=false", ALICE, channel);
    await eventually(async () => (await snap()).classification.level === "major", "classified major");
    await h.command("report edit 1 ACME Pay Ltd（阿克米支付）; payment database cluster db-3", ALICE, channel);
    await h.command("report edit 2 客户记录泄露；副本已于09:20隔离", ALICE, channel);
    await eventually(async () => (await snap()).missingItems.length === 5, "items 1 and 2 saved");
  });

  it("uploads the PDF and the Word report into the channel through the external upload", async () => {
    await h.command("report --format pdf", ALICE, channel);
    await eventually(() => (h.fake.channels.get(channel)?.files.length ?? 0) >= 1, "the PDF uploaded");
    await h.command("report --format docx --lang zh", ALICE, channel);
    await eventually(() => (h.fake.channels.get(channel)?.files.length ?? 0) >= 2, "the Word file uploaded");
    const files = h.fake.channels.get(channel)?.files ?? [];
    expect(files.map((f) => f.filename)).toEqual(["incident-1-initial.pdf", "incident-1-initial-zh.docx"]);
    const [pdf, docx] = files;
    expect(pdf?.bytes.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pdfText(pdf?.bytes ?? Buffer.alloc(0))).toContain("客户记录泄露；副本已于09:20隔离");
    expect((await docxParts(docx?.bytes ?? Buffer.alloc(0))).text).toContain("ACME Pay Ltd（阿克米支付）; payment database cluster db-3");
    // The announced length matched the bytes: a binary file was not re-encoded on the way.
    const announced = h.fake.callsOf("files.getUploadURLExternal").map((c) => Number(c.body.length));
    expect(announced).toEqual(h.fake.callsOf("upload").map((c) => Number(c.body.bytes)));
  });

  it("previews the e-mail with a Send button; pressing it sends and records the filing", async () => {
    const res = await h.command("email", ALICE, channel);
    const preview = await h.responded(res.responseUrlId);
    expect(preview.body.response_type).toBe("ephemeral");
    expect(String(preview.body.text)).toContain("To: cac@example.gov.cn, compliance@acme.example");
    expect(JSON.stringify(preview.body.blocks)).toContain('"action_id":"email_send"');
    expect(smtp.messages).toHaveLength(0);

    await h.press("email_send", "1", ALICE, channel);
    const posted = await h.fake.waitFor((c) => c.method === "chat.postMessage" && String(c.body.text).includes("The mail server accepted the report"));
    expect(String(posted.body.text)).toContain("The report countdown has stopped.");
    expect(smtp.messages).toHaveLength(1);
    const { envelope, mail } = smtp.messages[0] as TestSmtp["messages"][number];
    expect(envelope.to).toEqual(["cac@example.gov.cn", "compliance@acme.example"]);
    expect(mail.attachments.map((a) => a.filename)).toEqual(["incident-1-initial.docx", "incident-1-initial.pdf"]);
    const snap = await h.app.core.service.snapshot(1);
    expect(snap.submissions[0]).toMatchObject({ kind: "initial", channel: "email", reference: mail.messageId, recordedBy: ALICE });
  });
});
