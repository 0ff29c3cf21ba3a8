import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { attachmentBytes, type Attachment } from "../../src/bot/message.js";

/**
 * The shell's file "upload": attachments are written to a folder and the path printed, so
 * a Word or PDF report can be opened from the terminal. A name repeats with -2, -3 … rather
 * than overwrite a document already handed out.
 */
export class ShellFiles {
  readonly dir: string;
  private readonly used = new Set<string>();

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  save(a: Attachment): string {
    mkdirSync(this.dir, { recursive: true });
    // The name comes from our own renderers, but a path in it must never leave the folder.
    const name = basename(a.filename).replace(/[^\w.-]/g, "_") || "attachment";
    const dot = name.lastIndexOf(".");
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
    let candidate = name;
    for (let n = 2; this.used.has(candidate); n++) candidate = `${stem}-${n}${ext}`;
    this.used.add(candidate);
    const path = join(this.dir, candidate);
    writeFileSync(path, attachmentBytes(a));
    return path;
  }
}
