/**
 * Rendering a full report (every item written, all seven plus ransomware details, both
 * languages) as Word and as PDF, warm: the font is read and the code loaded by a first run.
 */
import { performance } from "node:perf_hooks";
import { drillApp, typeInto } from "../test/support/drill.js";
import { buildDraft } from "../src/report/draft.js";
import { documentContext, renderDocument, type FileFormat } from "../src/report/documents.js";
import { loadTemplates } from "../src/report/templates.js";

const ITEM = "阿克米支付有限公司支付数据库集群db-3的副本在迁移期间对互联网开放，约120万条客户记录可被访问；副本已于09:20隔离，凭据已轮换。The replica was isolated at 09:20 CST. ";

export async function benchDocuments(): Promise<string[]> {
  const { app, clock } = drillApp();
  const items = Array.from({ length: 7 }, (_, i) => `/incident report edit ${i + 1} ${ITEM.repeat(4)}`);
  await typeInto(app, clock, ["/incident open 支付数据库故障 Payment DB outage", "/incident facts personal_info_people=1200000 operator_type=ordinary cii_affected=false ransomware=true", "/incident role compliance @carol", ...items]);
  const t = loadTemplates();
  const snap = await app.core.service.snapshot(1);
  const draft = buildDraft(app.pack, t, snap, "initial", clock.now());
  const context = await documentContext(app.core.service, snap, "warroom@acme.example");
  const time = async (format: FileFormat) => {
    await renderDocument(draft, t, { format, lang: "both", context });
    const runs: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      const file = await renderDocument(draft, t, { format, lang: "both", context });
      runs.push(performance.now() - t0);
      bytes = (file.content as Uint8Array).byteLength;
    }
    runs.sort((a, b) => a - b);
    return { median: runs[3] as number, bytes };
  };
  const docx = await time("docx");
  const pdf = await time("pdf");
  await app.close();
  app.db.close();
  const row = (name: string, r: { median: number; bytes: number }) =>
    `${`${name} (${Math.round(r.bytes / 1024)} KB)`.padEnd(52)} ${`${r.median.toFixed(0)} ms`.padStart(14)}   (target < 300 ms)`;
  return [row("render a full report as DOCX, zh + en, warm, median", docx), row("render a full report as PDF, zh + en, warm, median", pdf)];
}
