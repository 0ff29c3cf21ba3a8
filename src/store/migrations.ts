import { BOARD_TABLES, LEASES_TABLE, SHOWN_FORMS_TABLE, RULE_PACKS_TABLE } from "./shared-schema.js";

/**
 * Versioned schema. Each entry runs once, in order, inside a transaction; the version
 * reached is kept in PRAGMA user_version. Never edit a released migration: add one.
 */
export const MIGRATIONS: readonly string[] = [
  /* 1 */ `
  CREATE TABLE incidents (
    id               INTEGER PRIMARY KEY,
    title            TEXT NOT NULL,
    description      TEXT,
    status           TEXT NOT NULL CHECK (status IN ('open', 'resolved', 'closed')),
    platform         TEXT NOT NULL,
    channel_id       TEXT,
    channel_name     TEXT,
    card_message_id  TEXT,
    private          INTEGER NOT NULL DEFAULT 0,
    opened_by        TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    aware_at         TEXT NOT NULL,
    level            TEXT NOT NULL,
    reportable       INTEGER NOT NULL DEFAULT 0,
    classified       INTEGER NOT NULL DEFAULT 0,
    deadline_at      TEXT,
    deadline_hours   REAL,
    resolved_at      TEXT,
    final_due_at     TEXT,
    closed_at        TEXT,
    police_reported_at TEXT,
    disclosure_cleared_at TEXT,
    updated_at       TEXT NOT NULL
  );
  CREATE UNIQUE INDEX incidents_channel ON incidents (platform, channel_id) WHERE channel_id IS NOT NULL;
  CREATE INDEX incidents_status ON incidents (status);

  CREATE TABLE facts (
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    name        TEXT NOT NULL,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    PRIMARY KEY (incident_id, name)
  ) WITHOUT ROWID;

  CREATE TABLE roles (
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    role        TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    assigned_at TEXT NOT NULL,
    assigned_by TEXT NOT NULL,
    PRIMARY KEY (incident_id, role)
  ) WITHOUT ROWID;

  CREATE TABLE report_items (
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    report      TEXT NOT NULL CHECK (report IN ('incident', 'post_incident')),
    item        TEXT NOT NULL,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    PRIMARY KEY (incident_id, report, item)
  ) WITHOUT ROWID;

  CREATE TABLE submissions (
    id           INTEGER PRIMARY KEY,
    incident_id  INTEGER NOT NULL REFERENCES incidents (id),
    kind         TEXT NOT NULL CHECK (kind IN ('initial', 'supplementary', 'update', 'final')),
    channel      TEXT NOT NULL,
    reference    TEXT,
    submitted_at TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    items        TEXT NOT NULL,
    draft        TEXT NOT NULL
  );
  CREATE INDEX submissions_incident ON submissions (incident_id);

  CREATE TABLE developments (
    id           INTEGER PRIMARY KEY,
    incident_id  INTEGER NOT NULL REFERENCES incidents (id),
    text         TEXT NOT NULL,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,
    submission_id INTEGER REFERENCES submissions (id)
  );

  CREATE TABLE warnings (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    clock       TEXT NOT NULL CHECK (clock IN ('report', 'post_incident')),
    kind        TEXT NOT NULL,
    key         TEXT NOT NULL,
    due_at      INTEGER NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'queued', 'sent', 'cancelled')),
    queued_at   INTEGER,
    outbox_key  TEXT,
    UNIQUE (incident_id, key)
  );
  -- The sweep reads only pending rows by due time: a partial index keeps it small.
  CREATE INDEX warnings_due ON warnings (due_at) WHERE status = 'pending';
  CREATE INDEX warnings_outbox ON warnings (outbox_key) WHERE outbox_key IS NOT NULL;
  CREATE INDEX warnings_incident ON warnings (incident_id, status);

  CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    key             TEXT NOT NULL UNIQUE,
    incident_id     INTEGER REFERENCES incidents (id),
    platform        TEXT NOT NULL,
    channel_id      TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('post', 'card')),
    message         TEXT,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claimed_by      TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER,
    last_error      TEXT
  );
  CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';

  CREATE TABLE timeline (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id INTEGER REFERENCES incidents (id),
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    type        TEXT NOT NULL,
    payload     TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
  );
  CREATE INDEX timeline_incident ON timeline (incident_id, seq);
  CREATE TRIGGER timeline_no_update BEFORE UPDATE ON timeline
    BEGIN SELECT RAISE(ABORT, 'the timeline is append-only'); END;
  CREATE TRIGGER timeline_no_delete BEFORE DELETE ON timeline
    BEGIN SELECT RAISE(ABORT, 'the timeline is append-only'); END;

  -- Platform deliveries already applied (Slack retries, Discord replays): applied once.
  CREATE TABLE processed_requests (
    key TEXT PRIMARY KEY,
    at  INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  /* 2 */ `
  -- Delivery keys are only needed while a platform may still retry: old ones are pruned by time.
  CREATE INDEX processed_requests_at ON processed_requests (at);
  `,
  /* 3 */ `
  -- Reportability is three-valued: an incident is "not reportable" only when the facts rule it
  -- out or an assessment is recorded, never because facts are still unknown.
  ALTER TABLE incidents ADD COLUMN reportability TEXT NOT NULL DEFAULT 'undetermined'
    CHECK (reportability IN ('reportable', 'not_reportable', 'assessed_not_reportable', 'undetermined'));
  ALTER TABLE incidents ADD COLUMN provisional INTEGER NOT NULL DEFAULT 1;
  UPDATE incidents SET reportability = CASE WHEN reportable = 1 THEN 'reportable' ELSE 'undetermined' END;
  ALTER TABLE incidents DROP COLUMN reportable;
  ALTER TABLE incidents DROP COLUMN classified;

  CREATE TABLE assessments (
    id             INTEGER PRIMARY KEY,
    incident_id    INTEGER NOT NULL REFERENCES incidents (id),
    verdict        TEXT NOT NULL CHECK (verdict IN ('not_reportable')),
    reason         TEXT NOT NULL,
    unknown_facts  TEXT NOT NULL,
    at             TEXT NOT NULL,
    actor          TEXT NOT NULL,
    revoked_at     TEXT,
    revoked_by     TEXT,
    revoked_reason TEXT
  );
  CREATE INDEX assessments_incident ON assessments (incident_id);

  -- An initial report filed without items 1-2 carries the reason it was sent incomplete.
  ALTER TABLE submissions ADD COLUMN incomplete_reason TEXT;
  `,
  /* 4 */ `
  -- The chain head: how many events the timeline holds and the hash of the last one, moved
  -- in the same transaction as every append. Deleting events from the end (or all of them)
  -- leaves a chain that is valid on its own; against the head it shows. The same table as
  -- PostgreSQL's version 2; its key is the constant 1 (BIGINT, so not a rowid alias).
  CREATE TABLE timeline_head (
    id     BIGINT PRIMARY KEY CHECK (id = 1),
    events INTEGER NOT NULL,
    hash   TEXT NOT NULL
  );
  -- An existing database starts from the rows it has.
  INSERT INTO timeline_head (id, events, hash) VALUES (
    1,
    (SELECT COUNT(*) FROM timeline),
    COALESCE((SELECT hash FROM timeline ORDER BY seq DESC LIMIT 1), '${"0".repeat(64)}')
  );
  `,
  /* 5 */ `
  -- A claimed outbox row carries a lease: a process that dies mid-delivery leaves rows that
  -- another process takes over once the lease has run out. PostgreSQL's version 3.
  ALTER TABLE outbox ADD COLUMN lease_until INTEGER;
  `,
  /* 6 */ `
  -- Named leases: one process at a time holds what only one may (the Discord gateway
  -- session), and loses it when it stops renewing. PostgreSQL's version 4.
  ${LEASES_TABLE}
  `,
  /* 7 */ `
  -- The web board's sign-in links and sessions (src/store/shared-schema.ts). PostgreSQL's version 5.
  ${BOARD_TABLES}
  `,
  /* 8 */ `
  -- Forms a platform shows as cards (Feishu), kept so that a refused submission comes back
  -- as the same form on whichever replica receives it. PostgreSQL's version 6.
  ${SHOWN_FORMS_TABLE}
  `,
  /* 9 */ `
  -- The rule packs applied, content-addressed, and the pack each incident is judged under
  -- (src/store/shared-schema.ts). PostgreSQL's version 7.
  ${RULE_PACKS_TABLE}
  `,
];
