/**
 * Forms shown as cards, the same text on both engines: SQLite's migration 8 and
 * PostgreSQL's migration 6. Times are epoch milliseconds. Released migrations never change.
 */
export const SHOWN_FORMS_TABLE = `
  CREATE TABLE shown_forms (
    token      TEXT PRIMARY KEY,
    form       TEXT NOT NULL,
    expires_at BIGINT NOT NULL
  );
  CREATE INDEX shown_forms_expiry ON shown_forms (expires_at);
`;
