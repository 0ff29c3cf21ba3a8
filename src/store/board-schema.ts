/**
 * The board's tables, the same text on both engines: SQLite's migration 7 and
 * PostgreSQL's migration 5. One-time links and sessions are kept only as SHA-256 hashes, so a
 * copy of the database signs nobody in; times are epoch milliseconds. Released migrations
 * never change: a later change to these tables is a new migration, not an edit here.
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
