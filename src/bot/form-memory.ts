import { randomBytes } from "node:crypto";
import type { Store } from "../store/sql.js";
import { keepForm, shownForm } from "../store/repos/forms.js";
import { formRequestSchema, type FormRequest } from "./forms.js";

/**
 * Forms shown on platforms whose cards cannot carry them back (Feishu's card callbacks
 * return only the field values), kept in the shared store under an unguessable token: a
 * refused submission comes back as the same form, with its errors, on whichever replica
 * the platform delivers it to.
 */
export class FormMemory {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = 24 * 3_600_000,
  ) {}

  async keep(req: FormRequest): Promise<string> {
    const token = randomBytes(12).toString("base64url");
    const now = this.now();
    await this.store.tx((sql) => keepForm(sql, token, JSON.stringify(req), now, now + this.ttlMs));
    return token;
  }

  /** The form shown under this token; undefined when unknown, expired or unreadable. */
  async recall(token: string | undefined): Promise<FormRequest | undefined> {
    if (!token) return undefined;
    const text = await this.store.read((sql) => shownForm(sql, token, this.now()));
    if (text === undefined) return undefined;
    try {
      const parsed = formRequestSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}
