import type { FieldErrors, FormDef, FormField, FormRequest } from "../../src/bot/forms.js";
import { truncate } from "./render.js";

/**
 * FormDef → Discord modals. A modal holds at most five text inputs, so a longer form becomes
 * pages; a modal cannot open another modal, so each page submit answers with a "Next" button.
 * Values of earlier pages wait here, in memory, until the last page is in: nothing reaches the
 * core before that, and an abandoned form simply expires.
 */

export const PAGE_SIZE = 5;
const MODAL_PREFIX = "wrm";
const OPEN_PREFIX = "wrf";

export interface FormContext {
  incidentId?: number;
  channelId: string;
}

export interface TextInputJson {
  type: 4;
  custom_id: string;
  label: string;
  style: 1 | 2;
  required: boolean;
  value?: string;
  placeholder?: string;
  max_length: number;
}

export interface ModalJson {
  custom_id: string;
  title: string;
  components: { type: 1; components: [TextInputJson] }[];
}

/** Where a modal or its "open" button belongs; round-trips through the custom_id. */
export interface FormRef {
  formId: string;
  context: FormContext;
  page: number;
  pages: number;
}

function encodeRef(prefix: string, r: FormRef): string {
  return [prefix, r.formId, r.context.incidentId ?? 0, r.context.channelId, r.page, r.pages].join(":");
}

function decodeRef(prefix: string, customId: string): FormRef | undefined {
  const m = new RegExp(`^${prefix}:([a-z0-9_]{1,40}):(\\d{1,12}):(\\d{1,25}):(\\d{1,2}):(\\d{1,2})$`).exec(customId);
  if (!m) return undefined;
  const [, formId, incident, channelId, page, pages] = m as unknown as [string, string, string, string, string, string];
  const r: FormRef = { formId, context: { channelId }, page: Number(page), pages: Number(pages) };
  if (Number(incident) > 0) r.context.incidentId = Number(incident);
  return r.page < r.pages ? r : undefined;
}

export const modalId = (r: FormRef): string => encodeRef(MODAL_PREFIX, r);
export const openButtonId = (r: FormRef): string => encodeRef(OPEN_PREFIX, r);
export const parseModalId = (id: string): FormRef | undefined => decodeRef(MODAL_PREFIX, id);
export const parseOpenButtonId = (id: string): FormRef | undefined => decodeRef(OPEN_PREFIX, id);

export function paginate(form: FormDef): FormField[][] {
  const pages: FormField[][] = [];
  for (let i = 0; i < form.fields.length; i += PAGE_SIZE) pages.push(form.fields.slice(i, i + PAGE_SIZE));
  return pages.length ? pages : [[]];
}

/** Discord modals only have text inputs: choices go in the placeholder, the core validates. */
function placeholder(field: FormField, labelCut: boolean): string | undefined {
  if (field.type === "select" && field.options?.length) return truncate(field.options.map((o) => o.value).join(" | "), 100);
  if (field.type === "boolean") return "true | false";
  if (labelCut) return truncate(field.label.en, 100);
  return field.hint ? truncate(field.hint.en, 100) : undefined;
}

function maxLength(field: FormField): number {
  if (field.maxLength) return Math.min(4000, field.maxLength);
  return field.type === "text" || field.type === "textarea" ? 4000 : 100;
}

export function textInput(field: FormField, value: string | undefined): TextInputJson {
  const labelCut = field.label.en.length > 45;
  const max = maxLength(field);
  const input: TextInputJson = {
    type: 4,
    custom_id: field.name,
    label: truncate(field.label.en, 45),
    style: field.type === "textarea" ? 2 : 1,
    required: Boolean(field.required),
    max_length: max,
  };
  const hint = placeholder(field, labelCut);
  if (hint) input.placeholder = hint;
  if (value) input.value = value.slice(0, max);
  return input;
}

export function modalFor(form: FormDef, pages: FormField[][], ref: FormRef, values: Record<string, string>): ModalJson {
  const fields = pages[ref.page] ?? [];
  const suffix = ref.pages > 1 ? ` (${ref.page + 1}/${ref.pages})` : "";
  return {
    custom_id: modalId(ref),
    title: `${truncate(form.title.en, 45 - suffix.length)}${suffix}`,
    components: fields.map((f) => ({ type: 1, components: [textInput(f, values[f.name])] })),
  };
}

export interface FormSession {
  key: string;
  userId: string;
  request: FormRequest;
  pages: FormField[][];
  /** Everything entered so far, prefilled with the request's values. */
  values: Record<string, string>;
  /** Pages still to be submitted, in order; after errors, the pages that hold them. */
  todo: number[];
  fixing: boolean;
  expiresAt: number;
}

export interface FormStoreOptions {
  /** How long an unfinished form is kept (ms). Discord's interaction token lives 15 minutes. */
  ttlMs?: number;
  now?: () => number;
  maxSessions?: number;
}

export function sessionKey(userId: string, formId: string, context: FormContext): string {
  return `${userId}:${formId}:${context.incidentId ?? `c${context.channelId}`}`;
}

export class FormStore {
  private readonly sessions = new Map<string, FormSession>();
  private readonly ttl: number;
  private readonly now: () => number;
  private readonly max: number;

  constructor(o: FormStoreOptions = {}) {
    this.ttl = o.ttlMs ?? 15 * 60_000;
    this.now = o.now ?? Date.now;
    this.max = o.maxSessions ?? 1000;
  }

  get size(): number {
    this.sweep();
    return this.sessions.size;
  }

  /** A new form request replaces whatever the user had half-entered for the same form. */
  start(userId: string, request: FormRequest): FormSession {
    this.sweep();
    const pages = paginate(request.form);
    const key = sessionKey(userId, request.form.id, request.context);
    const session: FormSession = {
      key,
      userId,
      request,
      pages,
      values: { ...request.values },
      todo: pages.map((_, i) => i),
      fixing: false,
      expiresAt: this.now() + this.ttl,
    };
    this.sessions.delete(key);
    this.sessions.set(key, session);
    while (this.sessions.size > this.max) {
      const oldest = this.sessions.keys().next().value;
      if (oldest === undefined) break;
      this.sessions.delete(oldest);
    }
    return session;
  }

  get(userId: string, ref: FormRef): FormSession | undefined {
    this.sweep();
    const s = this.sessions.get(sessionKey(userId, ref.formId, ref.context));
    if (!s || s.pages.length !== ref.pages) return undefined;
    s.expiresAt = this.now() + this.ttl;
    return s;
  }

  drop(session: FormSession): void {
    this.sessions.delete(session.key);
  }

  ref(session: FormSession, page: number): FormRef {
    return { formId: session.request.form.id, context: session.request.context, page, pages: session.pages.length };
  }

  /** Keep one page's answers; returns the next page to fill, or undefined when all are in. */
  savePage(session: FormSession, page: number, values: Record<string, string>): number | undefined {
    const names = new Set((session.pages[page] ?? []).map((f) => f.name));
    for (const [k, v] of Object.entries(values)) if (names.has(k)) session.values[k] = v;
    session.todo = session.todo.filter((p) => p !== page);
    return session.todo[0];
  }

  /** After the core refused some fields: revisit only the pages that hold them. */
  markErrors(session: FormSession, errors: FieldErrors): number | undefined {
    const pages = new Set<number>();
    session.pages.forEach((fields, i) => {
      if (fields.some((f) => f.name in errors)) pages.add(i);
    });
    session.todo = [...pages].sort((a, b) => a - b);
    session.fixing = true;
    return session.todo[0];
  }

  /** The values the core receives: the form's fields as entered (a field left empty is ""). */
  submission(session: FormSession): Record<string, string> {
    const out: Record<string, string> = {};
    for (const f of session.request.form.fields) {
      const v = session.values[f.name];
      if (v !== undefined) out[f.name] = v;
    }
    return out;
  }

  private sweep(): void {
    const now = this.now();
    for (const [k, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(k);
  }
}

