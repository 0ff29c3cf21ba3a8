/**
 * What both engines share beyond the contract in sql.ts: the rules every transaction follows
 * whichever database runs it, so code that passes on SQLite does not break on PostgreSQL.
 *
 * - A statement that fails inside `tx` or `read` dooms the transaction: PostgreSQL aborts it
 *   (every later statement fails and COMMIT silently rolls back), so SQLite is made to do the
 *   same. If fn catches the error and returns normally, nothing is committed and the store
 *   throws TransactionAbortedError. Use `ON CONFLICT` / `INSERT … DO NOTHING`, not try/catch.
 * - The `Sql` handed to fn is valid only until fn settles; using it later throws.
 * - `tx` or `read` called from inside fn on the same store throws at once (on SQLite it would
 *   wait for itself forever; on PostgreSQL it would run outside the transaction).
 */

export class TransactionAbortedError extends Error {
  constructor(cause: unknown) {
    super(`a statement failed inside the transaction and nothing was written: ${firstLine(cause)}`, { cause });
  }
}

/** The misuse described above; a programming error, never a database condition. */
export class StoreUsageError extends Error {}

export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split("\n")[0] ?? "").trim();
}

const LEADING_NOISE = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;
const DATA_CHANGING = /^(?:insert|update|delete|replace|merge|with)\b/i;

/**
 * Whether a statement can report changed rows: INSERT, UPDATE, DELETE (or a CTE that may hold
 * one). Other statements report 0 changes on both engines (SQLite would otherwise repeat the
 * count of the last write, PostgreSQL the number of rows a SELECT returned).
 */
export function mayChangeRows(sql: string): boolean {
  return DATA_CHANGING.test(sql.replace(LEADING_NOISE, ""));
}
