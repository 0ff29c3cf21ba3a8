import type { IncomingMessage, ServerResponse } from "node:http";

export function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store", ...headers });
  res.end(body);
}

export function cookieValue(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header || header.length > 8192) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export class BodyTooLarge extends Error {}

/** A small form body, refused past `limit` bytes without reading the rest. */
export async function readForm(req: IncomingMessage, limit = 2048): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/** A request a page of another site made the browser send (its forms cannot sign anyone in or out here). */
export function crossSite(req: IncomingMessage): boolean {
  return req.headers["sec-fetch-site"] === "cross-site";
}
