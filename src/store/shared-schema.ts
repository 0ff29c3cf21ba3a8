/**
 * Tables whose definition is the same text on both engines, each used by one migration of
 * each (the numbers below). Times are epoch milliseconds. Released migrations never change:
 * a later change to one of these tables is a new migration, not an edit here.
 */

/**
 * Named leases (SQLite 6, PostgreSQL 4): one process at a time holds what only one may (the
 * Discord gateway session), and loses it when it stops renewing.
 */
export const LEASES_TABLE = `
  CREATE TABLE leases (
    name  TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    until BIGINT NOT NULL
  );
`;

/**
 * The board's sign-in (SQLite 7, PostgreSQL 5). One-time links and sessions are kept only
 * as SHA-256 hashes, so a copy of the database signs nobody in.
 */
export const BOARD_TABLES = `
  CREATE TABLE board_links (
    token_hash TEXT PRIMARY KEY,
    platform   TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    user_name  TEXT,
    zone       TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
  );
  CREATE TABLE board_sessions (
    token_hash TEXT PRIMARY KEY,
    platform   TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    user_name  TEXT,
    zone       TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
  );
  CREATE INDEX board_links_expiry ON board_links (expires_at);
  CREATE INDEX board_sessions_expiry ON board_sessions (expires_at);
`;

/**
 * Forms a platform shows as cards (SQLite 8, PostgreSQL 6), kept so that a refused
 * submission comes back as the same form on whichever replica receives it.
 */
export const SHOWN_FORMS_TABLE = `
  CREATE TABLE shown_forms (
    token      TEXT PRIMARY KEY,
    form       TEXT NOT NULL,
    expires_at BIGINT NOT NULL
  );
  CREATE INDEX shown_forms_expiry ON shown_forms (expires_at);
`;

/**
 * Rule packs as applied (SQLite 9, PostgreSQL 7), each the exact canonical JSON warroom judged
 * with, kept under the SHA-256 of that text: timeline events name the hash, so the rules that
 * judged an incident can be shown and replayed after any number of upgrades. Incidents name
 * the pack they are judged under now (NULL: judged before packs were recorded, under the pack
 * marked legacy, recorded at the first start of a release that records packs).
 */
export const RULE_PACKS_TABLE = `
  CREATE TABLE rule_packs (
    sha256      TEXT PRIMARY KEY,
    pack_id     TEXT NOT NULL,
    version     TEXT NOT NULL,
    origin      TEXT NOT NULL,
    content     TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    -- 1: the pack that judged the incidents recorded before packs were (those naming none).
    legacy      INTEGER NOT NULL DEFAULT 0
  );
  ALTER TABLE incidents ADD COLUMN rules_sha256 TEXT;
`;
