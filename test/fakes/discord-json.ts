/** JSON helpers shared by the fake Discord's REST and gateway halves. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** An error answered with Discord's status and JSON body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: JsonObject,
  ) {
    super(String(body.message));
  }
}

export function invalid(what: string): HttpError {
  return new HttpError(400, { code: 50035, message: "Invalid Form Body", errors: { detail: what } });
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function str(v: Json | undefined): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export function arr(v: Json | undefined): Json[] {
  return Array.isArray(v) ? v : [];
}
