/**
 * `/healthz` while the board renders PDFs: five concurrent downloads of a long report (every
 * item thousands of characters, both languages), the health check asked every 10 ms
 * meanwhile, on the one port the platforms' callbacks share. Rendering runs on worker
 * threads, so the event loop keeps answering.
 */
import { performance } from "node:perf_hooks";
import { healthRoute } from "../src/http/health.js";
import { boardOnFile, sessionCookie } from "../test/support/board-server.js";

const ITEM = "阿克米支付有限公司支付数据库集群db-3的副本在迁移期间对互联网开放，约120万条客户记录可被访问；副本已于09:20隔离，凭据已轮换。The replica was isolated at 09:20 CST; credentials were rotated. ";

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] as number;

export async function benchPdfHealth(): Promise<string[]> {
  const served = await boardOnFile("pdf");
  const { app, http, origin, board } = served;
  http.mount(healthRoute(() => app.health()));
  try {
    const { incident } = await app.core.service.open({ title: "支付数据库故障 Payment DB outage", actor: "lead", platform: "bench", channelId: "C1", channelName: "inc-1" });
    await app.core.service.setFacts(incident.id, { personal_info_people: 1_200_000, operator_type: "ordinary", cii_affected: false }, "lead");
    await app.core.service.setReportItems(incident.id, "incident", Object.fromEntries(app.pack.report_items.map((i) => [i.id, ITEM.repeat(40)])), "lead");
    const cookie = await sessionCookie(board, "lead", "bench");
    const download = async () => {
      const res = await fetch(`${origin}/board/incidents/1/draft?format=pdf&lang=both`, { headers: { cookie } });
      if (res.status !== 200) throw new Error(`PDF download: ${res.status}`);
      return (await res.arrayBuffer()).byteLength;
    };
    // Warm: the renderer's threads started and their fonts read.
    const bytes = await download();
    const samples: number[] = [];
    let rendering = true;
    const probe = (async () => {
      while (rendering) {
        const t0 = performance.now();
        const res = await fetch(`${origin}/healthz`);
        await res.text();
        samples.push(performance.now() - t0);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 5 }, download));
    const wall = performance.now() - t0;
    rendering = false;
    await probe;
    return [
      `${"/healthz p99 while 5 PDF downloads of a long report render".padEnd(52)} ${`${percentile(samples, 99).toFixed(1)} ms`.padStart(14)}   (target < 100 ms)`,
      `${`  (${samples.length} probes; the 5 PDFs, ${Math.round(bytes / 1024)} KB each, took)`.padEnd(52)} ${`${wall.toFixed(0)} ms`.padStart(14)}`,
    ];
  } finally {
    await served.close();
  }
}
