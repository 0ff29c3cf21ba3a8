import { availableParallelism } from "node:os";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { FormSection } from "./layout.js";

/** What a worker is asked to render, and what it answers. */
export interface PdfJob {
  id: number;
  sections: FormSection[];
  title: string;
  pageLang: "zh" | "en";
  createdAt: number;
}

export type PdfAnswer = { id: number; ok: true; pdf: Uint8Array } | { id: number; ok: false; error: string };

/** More PDFs asked for than the renderer queues: refused at once rather than piling up. */
export class RendererBusyError extends Error {
  constructor() {
    super("The PDF renderer is busy with other reports; nothing was changed. Try again in a moment.");
  }
}

/**
 * Workers: one per spare core (at least one, at most two), so rendering never takes the core
 * the event loop runs on when there is another. Jobs beyond them wait in a queue of bounded
 * length; an idle worker is ended after a while (each holds the fonts, about 40 MB).
 */
const WORKERS = Math.max(1, Math.min(2, availableParallelism() - 1));
const QUEUE_LIMIT = 32;
const IDLE_MS = 30_000;

/** From the source (tests) the worker is TypeScript, loaded through tsx (a dev dependency); built, it is plain JS. */
const FROM_SOURCE = import.meta.url.endsWith(".ts");
const WORKER_FILE = new URL(FROM_SOURCE ? "./pdf-worker.ts" : "./pdf-worker.js", import.meta.url);

function startWorker(): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_FILE);
  // The package's ESM entry (require.resolve would name its CommonJS one).
  const tsx = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve("tsx/package.json")), "dist/esm/api/index.mjs")).href;
  const file = JSON.stringify(WORKER_FILE.href);
  return new Worker(`import(${JSON.stringify(tsx)}).then((api) => api.tsImport(${file}, ${file}))`, { eval: true });
}

interface Slot {
  worker: Worker;
  busy: boolean;
  idle?: NodeJS.Timeout;
}

interface Waiting {
  job: PdfJob;
  resolve(pdf: Buffer): void;
  reject(err: Error): void;
}

class PdfPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Waiting[] = [];
  private readonly running = new Map<number, Waiting & { slot: Slot }>();
  private next = 1;

  get threads(): number {
    return this.slots.length;
  }

  render(job: Omit<PdfJob, "id">): Promise<Buffer> {
    if (this.queue.length >= QUEUE_LIMIT) return Promise.reject(new RendererBusyError());
    return new Promise<Buffer>((resolve, reject) => {
      this.queue.push({ job: { ...job, id: this.next++ }, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length) {
      const slot = this.slots.find((s) => !s.busy) ?? (this.slots.length < WORKERS ? this.spawn() : undefined);
      if (!slot) return;
      const waiting = this.queue.shift() as Waiting;
      slot.busy = true;
      if (slot.idle) clearTimeout(slot.idle);
      this.running.set(waiting.job.id, { ...waiting, slot });
      slot.worker.ref();
      slot.worker.postMessage(waiting.job);
    }
  }

  private spawn(): Slot {
    const worker = startWorker();
    const slot: Slot = { worker, busy: false };
    worker.on("message", (answer: PdfAnswer) => {
      const done = this.running.get(answer.id);
      if (!done) return;
      this.running.delete(answer.id);
      if (answer.ok) done.resolve(Buffer.from(answer.pdf.buffer, answer.pdf.byteOffset, answer.pdf.byteLength));
      else done.reject(new Error(`PDF rendering failed: ${answer.error}`));
      this.release(slot);
    });
    worker.on("error", (err) => this.lost(slot, err));
    worker.on("exit", (code) => this.lost(slot, new Error(`the PDF renderer stopped (exit ${code})`)));
    this.slots.push(slot);
    return slot;
  }

  private release(slot: Slot): void {
    slot.busy = false;
    // An idle worker does not keep the process alive (a CLI run ends when its work does).
    slot.worker.unref();
    slot.idle = setTimeout(() => void slot.worker.terminate(), IDLE_MS);
    slot.idle.unref();
    this.pump();
  }

  private lost(slot: Slot, err: Error): void {
    const index = this.slots.indexOf(slot);
    if (index === -1) return;
    this.slots.splice(index, 1);
    if (slot.idle) clearTimeout(slot.idle);
    for (const [id, r] of this.running) {
      if (r.slot !== slot) continue;
      this.running.delete(id);
      r.reject(err);
    }
    this.pump();
  }
}

let pool: PdfPool | undefined;

/** How many renderer threads are running now (for the health of the pool, and its tests). */
export function rendererThreads(): number {
  return pool?.threads ?? 0;
}

export const RENDERER_LIMITS = { workers: WORKERS, queue: QUEUE_LIMIT } as const;

/** Render the form as PDF on a worker thread; the event loop only hands it over and takes it back. */
export function renderPdfOffThread(sections: FormSection[], meta: { title: string; pageLang: "zh" | "en"; createdAt: Date }): Promise<Buffer> {
  pool ??= new PdfPool();
  return pool.render({ sections, title: meta.title, pageLang: meta.pageLang, createdAt: meta.createdAt.getTime() });
}
