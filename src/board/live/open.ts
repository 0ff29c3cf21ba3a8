import type { Store } from "../../store/sql.js";
import { silentFeed, type ChangeFeed } from "./feed.js";
import { PgChangeFeed } from "./pg-feed.js";
import { SqliteChangeFeed } from "./sqlite-feed.js";

/**
 * The change feed for the database at `location` (WARROOM_DB): LISTEN on PostgreSQL,
 * data_version polling on a SQLite file, nothing for an in-memory database (a drill).
 */
export async function openChangeFeed(store: Store, location: string, log?: (message: string) => void): Promise<ChangeFeed> {
  if (store.dialect === "postgres") return PgChangeFeed.open(location, log);
  if (location === ":memory:" || location === "") return silentFeed;
  return new SqliteChangeFeed(location);
}
