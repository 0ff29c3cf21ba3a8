import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { drillApp, typeInto } from "../support/drill.js";

const OPEN = [
  "/incident open Payment DB outage",
  "/incident facts personal_info_people=1200000 operator_type=ordinary cii_affected=false",
  "/incident role compliance @carol",
];

describe("shell drill: from open to the e-mail filing", () => {
  it("writes the Word and PDF reports to the files folder and prints their paths", async () => {
    const { app, clock } = drillApp();
    const dir = mkdtempSync(join(tmpdir(), "warroom-shell-files-"));
    const text = await typeInto(app, clock, [...OPEN, "/incident report --format pdf", "/incident report --format docx --lang zh", "/incident report --format odt"], dir);
    expect(text).toContain(`attachment: ${join(dir, "incident-1-initial.pdf")} (`);
    expect(text).toContain(`attachment: ${join(dir, "incident-1-initial-zh.docx")} (`);
    expect(text).toContain("--format takes md, docx or pdf");
    expect(readdirSync(dir).sort()).toEqual(["incident-1-initial-zh.docx", "incident-1-initial.pdf"]);
  });

  it("previews, refuses while items 1-2 are empty, then shows what would have been sent and records the filing", async () => {
    const { app, clock } = drillApp();
    const dir = mkdtempSync(join(tmpdir(), "warroom-shell-files-"));
    const text = await typeInto(
      app,
      clock,
      [
        ...OPEN,
        "/incident email send --to cac@example.gov.cn",
        "/incident report edit 1 Acme Pay Ltd; payment database cluster db-3",
        "/incident report edit 2 客户记录经配置错误的副本泄露；副本已于09:20隔离",
        "/incident email --to cac@example.gov.cn",
        "/clock +20m",
        "/incident email send --to cac@example.gov.cn",
        "/incident status",
      ],
      dir,
    );
    expect(text).toContain("The initial report must carry items 1 and 2 (Article 7)");
    expect(text).toContain("📧 E-mail filing of the initial report of incident #1 (preview: nothing sent yet)");
    expect(text).toContain("To: cac@example.gov.cn");
    expect(text).toContain("Attachments: incident-1-initial.docx (");
    expect(text).toContain("incident-1-initial.pdf (");
    expect(text).toContain("Items still missing: 3, 4, 5, 6, 7");
    expect(text).toContain("Drill: sending builds this e-mail and records the filing, but nothing leaves warroom.");
    expect(text).toContain("🧪 DRILL: nothing was sent.");
    expect(text).toMatch(/Initial report recorded as filed via 12387 reporting e-mail \(ref <[^>]+>\) at 2026-03-02 09:20 CST/);
    expect(text).toContain("The report countdown has stopped.");
    // The drill writes nothing but the shell's own files: no attachment was posted by the e-mail path.
    expect(existsSync(join(dir, "incident-1-initial.docx"))).toBe(false);
    const snap = await app.core.service.snapshot(1);
    expect(snap.submissions).toHaveLength(1);
    expect(snap.submissions[0]).toMatchObject({ kind: "initial", channel: "email", submittedAt: "2026-03-02T01:20:00.000Z" });
    expect(snap.submissions[0]?.reference).toMatch(/^<.+>$/);
  });
});
