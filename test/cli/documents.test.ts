import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTs } from "../support/run-ts.js";
import { docxParts, pdfText } from "../support/documents.js";

const CLI = "bin/warroom.ts";

describe("warroom draft --format docx|pdf", () => {
  it("writes the documents to --out or a default name, and refuses bad options in one line with exit 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "warroom-cli-docs-"));
    const db = join(dir, "w.db");
    const script = ["/incident open 支付数据库故障", "/incident facts personal_info_people=1200000", "/incident report edit 1 阿克米支付有限公司，支付数据库集群", "/incident report --format pdf"].join("\n");
    const shell = await runTs(CLI, ["start", "--shell", "--user", "alice", "--files", join(dir, "files")], { input: script, env: { WARROOM_DB: db } });
    expect(shell.code, shell.stderr).toBe(0);
    expect(shell.stdout).toContain(`attachment: ${join(dir, "files", "incident-1-initial.pdf")}`);
    expect(existsSync(join(dir, "files", "incident-1-initial.pdf"))).toBe(true);

    const pdf = await runTs(CLI, ["draft", "1", "--format", "pdf", "--out", join(dir, "report.pdf")], { env: { WARROOM_DB: db } });
    expect(pdf).toMatchObject({ code: 0, stdout: `${join(dir, "report.pdf")}\n` });
    expect(pdfText(readFileSync(join(dir, "report.pdf")))).toContain("阿克米支付有限公司，支付数据库集群");

    // Without --out a document gets its default name in the working directory, never the terminal.
    const docx = await runTs(CLI, ["draft", "1", "--format", "docx", "--lang", "zh", "--db", db], { cwd: dir });
    expect(docx).toMatchObject({ code: 0, stdout: "incident-1-initial-zh.docx\n" });
    expect((await docxParts(readFileSync(join(dir, "incident-1-initial-zh.docx")))).text).toContain("网络安全事件报告（初次报告）");

    const md = await runTs(CLI, ["draft", "1", "--format", "text", "--out", join(dir, "draft.txt")], { env: { WARROOM_DB: db } });
    expect(md.code).toBe(0);
    expect(readFileSync(join(dir, "draft.txt"), "utf8")).toContain("阿克米支付有限公司");

    for (const [args, line] of [
      [["--format", "odt"], "warroom: --format takes md, text, json, docx, pdf"],
      [["--format", "pdf", "--lang", "fr"], "warroom: --lang takes zh, en or both"],
      [["--format", "pdf", "--kind", "later"], "warroom: --kind takes initial, supplementary, update, final"],
      [["--format", "pdf", "--out", ""], "warroom: --out takes a file name"],
      [["--format", "pdf", "--out", dir], `warroom: --out ${dir}: cannot write (EISDIR)`],
      [["--format", "pdf", "--page", "2"], "warroom: Unknown option '--page'"],
    ] as const) {
      const r = await runTs(CLI, ["draft", "1", ...args], { env: { WARROOM_DB: db } });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stderr.trim(), args.join(" ")).toContain(line);
    }
  }, 120_000);
});
