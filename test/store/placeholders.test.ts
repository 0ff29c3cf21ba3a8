import { describe, expect, it } from "vitest";
import { toNumberedPlaceholders } from "../../src/store/postgres/placeholders.js";
import { mayChangeRows } from "../../src/store/engine.js";

describe("? placeholders become $n for PostgreSQL", () => {
  it("numbers them in order", () => {
    expect(toNumberedPlaceholders("UPDATE t SET a = ?, b = ? WHERE id = ?")).toBe("UPDATE t SET a = $1, b = $2 WHERE id = $3");
  });

  it("leaves question marks in literals, quoted identifiers, comments and dollar quotes alone", () => {
    expect(toNumberedPlaceholders("SELECT 'why?', 'it''s ?', \"odd?col\" FROM t WHERE a = ? -- really?\nAND b = ? /* ? */")).toBe(
      "SELECT 'why?', 'it''s ?', \"odd?col\" FROM t WHERE a = $1 -- really?\nAND b = $2 /* ? */",
    );
    expect(toNumberedPlaceholders("SELECT $$ ? $$, $tag$ ? $tag$, ?")).toBe("SELECT $$ ? $$, $tag$ ? $tag$, $1");
  });

  it("does not take $1 or a name ending in $ for a dollar quote", () => {
    expect(toNumberedPlaceholders("SELECT a$ FROM t WHERE x = ? AND y = ?")).toBe("SELECT a$ FROM t WHERE x = $1 AND y = $2");
  });
});

describe("which statements report changed rows", () => {
  it("INSERT, UPDATE, DELETE, REPLACE and CTEs do; SELECT and DDL do not", () => {
    for (const s of ["INSERT INTO t VALUES (1)", "  update t set a = 1", "-- note\nDELETE FROM t", "/* x */ REPLACE INTO t VALUES (1)", "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x"]) {
      expect(mayChangeRows(s), s).toBe(true);
    }
    for (const s of ["SELECT 1", "CREATE TABLE t (a INTEGER)", "CREATE INDEX i ON t (a)", "inserted_at"]) {
      expect(mayChangeRows(s), s).toBe(false);
    }
  });
});
