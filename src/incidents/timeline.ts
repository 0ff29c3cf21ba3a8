import { createHash } from "node:crypto";
import type { Db } from "../store/db.js";
import { announceChange } from "../store/repos/changes.js";
import type { Sql } from "../store/sql.js";

export interface TimelineEvent {
  seq: number;
  incident_id: number | null;
  at: string;
  actor: string;
  type: string;
  /** The recorded payload; empty when the row is broken. */
  payload: Record<string, unknown>;
  prev_hash: string;
  hash: string;
  /** Set when the stored row cannot be read (its payload is not a JSON object): tampering or damage. */
  broken?: string;
}

/** How many events the timeline holds and the hash of the last one (all zeros for none). */
export interface ChainHead {
  events: number;
  hash: string;
}

export const GENESIS = "0".repeat(64);

/** An event's hash: public knowledge, like all of the code (see README, Security). */
export function hashOf(prev: string, e: { seq: number; incident_id: number | null; at: string; actor: string; type: string; payload: string }): string {
  return createHash("sha256")
    .update(prev)
    .update("\n")
    .update(JSON.stringify([e.seq, e.incident_id, e.at, e.actor, e.type, e.payload]))
    .digest("hex");
}

type NewEvent = { incidentId: number | null; at: string; actor: string; type: string; payload?: Record<string, unknown> };

/** The next link after `head`: the one rule both append paths follow. */
function nextLink(head: ChainHead, event: NewEvent): { row: Omit<Row, "prev_hash" | "hash">; prev: string; hash: string } {
  const row = { seq: head.events + 1, incident_id: event.incidentId, at: event.at, actor: event.actor, type: event.type, payload: JSON.stringify(event.payload ?? {}) };
  return { row, prev: head.hash, hash: hashOf(head.hash, row) };
}

const INSERT_EVENT = "INSERT INTO timeline (seq, incident_id, at, actor, type, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

/**
 * Append one event on a raw SQLite handle (tools and tests that write as the code would).
 * Call inside the transaction that makes the change it records.
 */
export function appendEvent(db: Db, event: NewEvent): TimelineEvent {
  const head = (db.prepare("SELECT events, hash FROM timeline_head WHERE id = 1").get() as ChainHead | undefined) ?? { events: 0, hash: GENESIS };
  const { row, prev, hash } = nextLink(head, event);
  db.prepare(INSERT_EVENT).run(row.seq, row.incident_id, row.at, row.actor, row.type, row.payload, prev, hash);
  db.prepare("UPDATE timeline_head SET events = ?, hash = ? WHERE id = 1").run(row.seq, hash);
  return { ...row, payload: event.payload ?? {}, prev_hash: prev, hash };
}

/**
 * Append one event through the store seam, inside the transaction that makes the change it
 * records, so the state and its audit trail commit together. Events chain by hash across
 * the whole log: editing, reordering or deleting a row breaks every hash after it. The head
 * row is locked first (PostgreSQL: FOR UPDATE), so appends from several replicas are
 * serialised and the chain never forks; SQLite already holds its one write lock.
 */
export async function appendEventSql(sql: Sql, event: NewEvent): Promise<TimelineEvent> {
  const head = (await sql.get<ChainHead>(`SELECT events, hash FROM timeline_head WHERE id = 1${sql.dialect === "postgres" ? " FOR UPDATE" : ""}`)) ?? { events: 0, hash: GENESIS };
  const { row, prev, hash } = nextLink(head, event);
  await sql.run(INSERT_EVENT, row.seq, row.incident_id, row.at, row.actor, row.type, row.payload, prev, hash);
  // The head moves with the append, in the caller's transaction: the two commit together.
  await sql.run("UPDATE timeline_head SET events = ?, hash = ? WHERE id = 1", row.seq, hash);
  await announceChange(sql, row.incident_id);
  return { ...row, payload: event.payload ?? {}, prev_hash: prev, hash };
}


/** The stored head: it moves with every change, so it also tells readers whether anything changed. */
export async function headIn(sql: Sql): Promise<ChainHead> {
  return (await sql.get<ChainHead>("SELECT events, hash FROM timeline_head WHERE id = 1")) ?? { events: 0, hash: GENESIS };
}

export async function eventsOfSql(sql: Sql, incidentId: number): Promise<TimelineEvent[]> {
  return (await sql.all<Row>("SELECT * FROM timeline WHERE incident_id = ? ORDER BY seq", incidentId)).map(toEvent);
}

interface Row {
  seq: number;
  incident_id: number | null;
  at: string;
  actor: string;
  type: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

/** Why a stored payload cannot be read, or undefined when it is a JSON object. */
function payloadProblem(payload: unknown): string | undefined {
  if (typeof payload !== "string") return "payload is not text";
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return "payload is not JSON";
  }
  return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? undefined : "payload is not a JSON object";
}

/** A stored row as an event; a row that cannot be read is marked broken, never thrown. */
function toEvent(r: Row): TimelineEvent {
  const broken = payloadProblem(r.payload);
  if (broken) return { ...r, payload: {}, broken };
  return { ...r, payload: JSON.parse(r.payload) as Record<string, unknown> };
}

/** Every event in order, broken rows marked (the replay reads them all). */
export async function allEventsIn(sql: Sql): Promise<TimelineEvent[]> {
  return (await sql.all<Row>("SELECT * FROM timeline ORDER BY seq")).map(toEvent);
}

export function eventsOf(db: Db, incidentId: number): TimelineEvent[] {
  const rows = db.prepare("SELECT * FROM timeline WHERE incident_id = ? ORDER BY seq").all(incidentId) as Row[];
  return rows.map(toEvent);
}

export type ChainCheck = { ok: true; events: number } | { ok: false; events: number; brokenAt: number; reason: string };

/**
 * The stored head: undefined for a database from before heads were kept (opened read-only,
 * not migrated), null when its row is gone.
 */
export function storedHead(db: Db): ChainHead | null | undefined {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'timeline_head'").get();
  if (!table) return undefined;
  return (db.prepare("SELECT events, hash FROM timeline_head WHERE id = 1").get() as ChainHead | undefined) ?? null;
}

/**
 * Recompute the chain from the start; report the first event that does not match, then
 * compare the end of the chain with the stored head: events deleted from the end (or all
 * of them) leave a chain that is valid on its own but shorter than its head.
 */
export function verifyChain(db: Db): ChainCheck {
  return walkChain(db).check;
}

/** The chain check with the head the rows themselves give (up to the first bad event). */
export function walkChain(db: Db): { check: ChainCheck; head: ChainHead } {
  return walkRows(db.prepare("SELECT * FROM timeline ORDER BY seq").iterate() as Iterable<Row>, () => storedHead(db));
}

/** The chain check through the store seam (the timeline command, any engine). */
export async function verifyChainIn(sql: Sql): Promise<ChainCheck> {
  return (await walkChainIn(sql)).check;
}

/**
 * The chain walked through the store seam, and the head it ends in. `headKept` false: a
 * database from before heads were kept (no head to compare with).
 */
export async function walkChainIn(sql: Sql, headKept = true): Promise<{ check: ChainCheck; head: ChainHead }> {
  const rows = await sql.all<Row>("SELECT * FROM timeline ORDER BY seq");
  const head = headKept ? ((await sql.get<ChainHead>("SELECT events, hash FROM timeline_head WHERE id = 1")) ?? null) : undefined;
  return walkRows(rows, () => head);
}

function walkRows(rows: Iterable<Row>, stored: () => ChainHead | null | undefined): { check: ChainCheck; head: ChainHead } {
  let prev = GENESIS;
  let expectedSeq = 1;
  let count = 0;
  // The head the rows give stops before the first bad event.
  const fail = (brokenAt: number, reason: string) => ({ check: { ok: false as const, events: count, brokenAt, reason }, head: { events: count - 1, hash: prev } });
  for (const r of rows) {
    count++;
    if (r.seq !== expectedSeq) return fail(r.seq, `event ${expectedSeq} is missing`);
    if (r.prev_hash !== prev) return fail(r.seq, "previous hash does not match");
    if (hashOf(prev, r) !== r.hash) return fail(r.seq, "content does not match its hash");
    const broken = payloadProblem(r.payload);
    if (broken) return fail(r.seq, broken);
    prev = r.hash;
    expectedSeq++;
  }
  const head = { events: count, hash: prev };
  const problem = headProblem(stored(), head);
  if (problem) return { check: { ok: false, events: count, brokenAt: problem.brokenAt, reason: problem.reason }, head };
  return { check: { ok: true, events: count }, head };
}

function headProblem(stored: ChainHead | null | undefined, head: ChainHead): { brokenAt: number; reason: string } | undefined {
  if (stored === undefined) return undefined;
  if (stored === null) return { brokenAt: head.events + 1, reason: "the timeline head is missing" };
  if (stored.events > head.events) {
    return { brokenAt: head.events + 1, reason: `truncated: the head records ${stored.events} events, the timeline ends at ${head.events}` };
  }
  if (stored.events < head.events) {
    return { brokenAt: stored.events + 1, reason: `the timeline has ${head.events} events but its head records ${stored.events}: events were added outside warroom` };
  }
  if (stored.hash !== head.hash) return { brokenAt: Math.max(head.events, 1), reason: "the last event does not match the head's hash" };
  return undefined;
}

/** A head as one line, `<events>:<hash>`, to keep somewhere the database's owner cannot write. */
export function formatHead(head: ChainHead): string {
  return `${head.events}:${head.hash}`;
}

export function parseHead(text: string): ChainHead | undefined {
  const m = /^(\d{1,15}):([0-9a-f]{64})$/.exec(text.trim().toLowerCase());
  return m ? { events: Number(m[1]), hash: m[2] as string } : undefined;
}

/**
 * Check the timeline against a head kept elsewhere, taken at some earlier time: the chain
 * may have grown since, but its first `expected.events` events must still end in
 * `expected.hash`. Because every hash covers all the events before it, that one comparison
 * proves the whole prefix is unchanged. Assumes verifyChain passed.
 */
export function matchesHead(db: Db, expected: ChainHead): HeadMatch {
  const hashAt = (seq: number) => (db.prepare("SELECT hash FROM timeline WHERE seq = ?").get(seq) as { hash: string } | undefined)?.hash;
  return headMatch(expected, hashAt(expected.events), () => (db.prepare("SELECT COUNT(*) AS n FROM timeline").get() as { n: number }).n);
}

/** matchesHead through the store seam (any engine). */
export async function matchesHeadIn(sql: Sql, expected: ChainHead): Promise<HeadMatch> {
  const row = await sql.get<{ hash: string }>("SELECT hash FROM timeline WHERE seq = ?", expected.events);
  const count = Number((await sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM timeline"))?.n ?? 0);
  return headMatch(expected, row?.hash, () => count);
}

type HeadMatch = { ok: true } | { ok: false; reason: string };

function headMatch(expected: ChainHead, hashAtExpected: string | undefined, count: () => number): HeadMatch {
  if (expected.events === 0) return expected.hash === GENESIS ? { ok: true } : { ok: false, reason: "a head of 0 events has the all-zero hash" };
  if (hashAtExpected === undefined) {
    return { ok: false, reason: `the expected head has ${expected.events} events but the timeline has only ${count()}: events were deleted` };
  }
  if (hashAtExpected !== expected.hash) return { ok: false, reason: `event ${expected.events} does not end in the expected hash: the timeline was rewritten` };
  return { ok: true };
}
