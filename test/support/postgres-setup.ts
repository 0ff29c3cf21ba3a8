/**
 * Vitest global setup: one throwaway PostgreSQL cluster for the whole run, stopped and removed
 * at teardown. Tests reach it through test/support/postgres.ts. If the server cannot start the
 * run fails here, naming why: PostgreSQL tests are never skipped.
 */
import type { TestProject } from "vitest/node";
import { startCluster } from "./postgres-cluster.js";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startCluster();
  project.provide("postgresUrl", cluster.url);
  return () => cluster.stop();
}
