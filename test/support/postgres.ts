/**
 * PostgreSQL for tests. The global setup (test/support/postgres-setup.ts) starts one cluster
 * per run and provides the URL of its `warroom` database. A test file that needs a clean
 * database creates its own, so files run in parallel without seeing each other's rows:
 *
 *   const db = useTestDatabase("contract");      // created before the file's tests, dropped after
 *   … await openStore(db.url) …
 *
 * or, for one database per test, `const { url, drop } = await createTestDatabase("x")`.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, inject } from "vitest";
import pg from "pg";

export { PASSWORD_ROLE } from "./postgres-cluster.js";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

/** URL of the run's shared database (`warroom`) on the test cluster. */
export function postgresUrl(): string {
  const url = inject("postgresUrl");
  if (!url) throw new Error("no PostgreSQL for this run: vitest.config.ts must list test/support/postgres-setup.ts in globalSetup");
  return url;
}

/** The same server, another database. */
export function databaseUrl(name: string): string {
  const u = new URL(postgresUrl());
  u.pathname = `/${name}`;
  return u.toString();
}

export interface TestDatabase {
  name: string;
  url: string;
  /** Drop it, closing any connection still open to it. */
  drop(): Promise<void>;
}

/** Run fn as the superuser, connected to the cluster's `postgres` database. */
export async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl("postgres"), connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database on the test cluster (no schema: openStore migrates it). */
export async function createTestDatabase(label = "test"): Promise<TestDatabase> {
  const slug = label.toLowerCase().replace(/[^a-z0-9]+/g, "_").slice(0, 30);
  const name = `wr_${slug}_${process.pid}_${randomBytes(4).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
  return {
    name,
    url: databaseUrl(name),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`)).then(() => undefined),
  };
}

/** A database of the file's own: created in beforeAll, dropped in afterAll. Read `url` inside tests or hooks. */
export function useTestDatabase(label = "test"): { readonly url: string; readonly name: string } {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase(label);
  });
  afterAll(async () => {
    await db?.drop();
  });
  const current = (): TestDatabase => {
    if (!db) throw new Error("the test database exists only inside tests and hooks");
    return db;
  };
  return {
    get url() {
      return current().url;
    },
    get name() {
      return current().name;
    },
  };
}
