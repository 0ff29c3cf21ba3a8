/**
 * The PDF renderer's worker thread: pdfkit lays out and subsets the fonts here, so a long
 * report never holds up the event loop that answers the platforms and the health check.
 */
import { parentPort } from "node:worker_threads";
import { renderPdf } from "./pdf.js";
import { fill, label, loadTemplates } from "./templates.js";
import { pageLabel } from "./layout.js";
import type { PdfJob, PdfAnswer } from "./pdf-pool.js";

const port = parentPort;
if (!port) throw new Error("pdf-worker runs as a worker thread");

port.on("message", (job: PdfJob) => {
  const t = loadTemplates();
  renderPdf(job.sections, {
    title: job.title,
    createdAt: new Date(job.createdAt),
    pageLabel: (page) => pageLabel(t, job.pageLang, page),
    undrawable: (lang, count) => fill(label(t, "pdf_undrawable"), { count })[lang],
  }).then(
    (pdf) => {
      // A copy of its own, so the transfer never hands over a pooled buffer's neighbours.
      const bytes = new Uint8Array(pdf);
      port.postMessage({ id: job.id, ok: true, pdf: bytes } satisfies PdfAnswer, [bytes.buffer]);
    },
    (err: unknown) => port.postMessage({ id: job.id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies PdfAnswer),
  );
});
