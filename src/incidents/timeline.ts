import { createHash } from "node:crypto";
import type { Db } from "../store/db.js";

export interface TimelineEvent {
  seq: number;
  incident_id: number | null;
  at: string;
  actor: string;
  type: string;
  payload: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

const GENESIS = "0".repeat(64);

function hashOf(prev: string, e: { seq: number; incident_id: number | null; at: string; actor: string; type: string; payload: string }): string {
  return createHash("sha256")
    .update(prev)
    .update("\n")
    .update(JSON.stringify([e.seq, e.incident_id, e.at, e.actor, e.type, e.payload]))
    .digest("hex");
}

/**
 * Append one event. Call inside the transaction that makes the change it records, so the
 * state and its audit trail commit together. Events chain by hash across the whole log:
 * editing, reordering or deleting a row breaks every hash after it.
 */
export function appendEvent(
  db: Db,
  event: { incidentId: number | null; at: string; actor: string; type: string; payload?: Record<string, unknown> },
): TimelineEvent {
  const last = db.prepare("SELECT seq, hash FROM timeline ORDER BY seq DESC LIMIT 1").get() as { seq: number; hash: string } | undefined;
  const prev = last?.hash ?? GENESIS;
  const seq = (last?.seq ?? 0) + 1;
  const payload = JSON.stringify(event.payload ?? {});
  const row = { seq, incident_id: event.incidentId, at: event.at, actor: event.actor, type: event.type, payload };
  const hash = hashOf(prev, row);
  db.prepare(
    "INSERT INTO timeline (seq, incident_id, at, actor, type, payload, prev_hash, hash) VALUES (@seq, @incident_id, @at, @actor, @type, @payload, @prev, @hash)",
  ).run({ ...row, prev, hash });
  return { ...row, payload: event.payload ?? {}, prev_hash: prev, hash };
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

function toEvent(r: Row): TimelineEvent {
  return { ...r, payload: JSON.parse(r.payload) as Record<string, unknown> };
}

export function eventsOf(db: Db, incidentId: number): TimelineEvent[] {
  const rows = db.prepare("SELECT * FROM timeline WHERE incident_id = ? ORDER BY seq").all(incidentId) as Row[];
  return rows.map(toEvent);
}

export type ChainCheck = { ok: true; events: number } | { ok: false; events: number; brokenAt: number; reason: string };

/** Recompute the chain from the start; report the first event that does not match. */
export function verifyChain(db: Db): ChainCheck {
  let prev = GENESIS;
  let expectedSeq = 1;
  let count = 0;
  for (const r of db.prepare("SELECT * FROM timeline ORDER BY seq").iterate() as Iterable<Row>) {
    count++;
    if (r.seq !== expectedSeq) return { ok: false, events: count, brokenAt: r.seq, reason: `event ${expectedSeq} is missing` };
    if (r.prev_hash !== prev) return { ok: false, events: count, brokenAt: r.seq, reason: "previous hash does not match" };
    if (hashOf(prev, r) !== r.hash) return { ok: false, events: count, brokenAt: r.seq, reason: "content does not match its hash" };
    prev = r.hash;
    expectedSeq++;
  }
  return { ok: true, events: count };
}
