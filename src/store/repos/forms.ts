import type { Sql } from "../sql.js";

/** Forms shown as cards, by their token; expired ones go when the next is kept. */
export async function keepForm(sql: Sql, token: string, form: string, now: number, expiresAt: number): Promise<void> {
  await sql.run("DELETE FROM shown_forms WHERE expires_at < ?", now);
  await sql.run("INSERT INTO shown_forms (token, form, expires_at) VALUES (?, ?, ?)", token, form, expiresAt);
}

export async function shownForm(sql: Sql, token: string, now: number): Promise<string | undefined> {
  return (await sql.get<{ form: string }>("SELECT form FROM shown_forms WHERE token = ? AND expires_at >= ?", token, now))?.form;
}
