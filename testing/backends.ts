import { appendFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { connect } from "nats";
import pg from "pg";
import type { Database } from "../components/internal/database/database.js";
import { PgliteDatabase } from "../components/internal/database/pglite.js";
import { PostgresDatabase } from "../components/internal/database/postgres.js";

/**
 * The backends a suite runs against. The embedded ones always; PostgreSQL and NATS when
 * DENDRITE_TEST_POSTGRES / DENDRITE_TEST_NATS hold their URLs (`.ci/run` sets both and
 * then checks, through DENDRITE_TEST_VARIANT_LOG, that those variants really ran).
 */
export const TEST_POSTGRES_URL = process.env.DENDRITE_TEST_POSTGRES || null;
export const TEST_NATS_URL = process.env.DENDRITE_TEST_NATS || null;

if (!TEST_POSTGRES_URL || !TEST_NATS_URL) {
  console.log(
    "note: the PostgreSQL and NATS variants of the suites did not run " +
      "(set DENDRITE_TEST_POSTGRES and DENDRITE_TEST_NATS to run them, as .ci/run does)",
  );
}

export interface DatabaseBackend {
  name: "pglite" | "postgres";
  /** A fresh, empty database of its own; `drop` removes it. */
  create(): Promise<{ db: Database; url: string | null; drop: () => Promise<void> }>;
}

export const DATABASE_BACKENDS: DatabaseBackend[] = [
  {
    name: "pglite",
    async create() {
      const db = await PgliteDatabase.open(null);
      return { db, url: null, drop: () => db.close() };
    },
  },
  ...(TEST_POSTGRES_URL
    ? [
        {
          name: "postgres" as const,
          async create() {
            const url = await createPostgresDatabase(TEST_POSTGRES_URL);
            const db = new PostgresDatabase(url, 10);
            return {
              db,
              url,
              drop: async () => {
                await db.close();
                await dropPostgresDatabase(TEST_POSTGRES_URL, url);
              },
            };
          },
        },
      ]
    : []),
];

/** CREATE DATABASE with a random name on the server of `baseUrl`; returns its URL. */
export async function createPostgresDatabase(baseUrl: string): Promise<string> {
  const name = `dendrite_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropPostgresDatabase(baseUrl: string, url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** A stream prefix of its own for each test run, so runs never see each other's messages. */
export function uniquePrefix(): string {
  return `t${randomBytes(5).toString("hex")}_`;
}

/**
 * The variant log (DENDRITE_TEST_VARIANT_LOG) that `.ci/run` reads: `declared NAME` when a
 * variant's suite is registered, `ran NAME` when its first hook runs, `pending NAME` when this
 * run could not run it. CI fails unless every declared variant ran, so a variant added to
 * any suite is checked without a list to keep up to date.
 */
function logVariant(what: "declared" | "ran" | "pending", name: string): void {
  const file = process.env.DENDRITE_TEST_VARIANT_LOG;
  if (file) appendFileSync(file, `${what} ${name}\n`);
}

/** Declares the variant this suite is (call in its describe, before its own hooks); logs it ran when the suite starts. */
export function suiteVariant(name: string): void {
  logVariant("declared", name);
  before(() => logVariant("ran", name));
}

/** Why the PostgreSQL/NATS variants are pending when their URLs are not set. */
export const NEEDS_POSTGRES_AND_NATS = "needs DENDRITE_TEST_POSTGRES and DENDRITE_TEST_NATS (.ci/run sets both)";

/** A variant this run cannot run: mocha lists it as pending, with the reason, and the variant log says so. */
export function pendingVariant(name: string, reason: string): void {
  logVariant("declared", name);
  logVariant("pending", name);
  it(`${name} (${reason})`);
}

/** Registers a suite that needs PostgreSQL and NATS, or its pending entry when they are not set. */
export function withPostgresAndNats(name: string, register: () => void): void {
  if (TEST_POSTGRES_URL && TEST_NATS_URL) register();
  else pendingVariant(name, NEEDS_POSTGRES_AND_NATS);
}

/** The pending entries for the database backends this run lacks, named `${prefix}:${backend}` like the ones that run. */
export function pendingDatabaseBackends(prefix: string): void {
  if (!TEST_POSTGRES_URL) pendingVariant(`${prefix}:postgres`, "needs DENDRITE_TEST_POSTGRES (.ci/run sets it)");
}

/** Deletes the JetStream streams a test run created under its prefix. */
export async function deleteNatsStreams(url: string, prefix: string): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await nc.jetstreamManager();
    for await (const info of jsm.streams.list()) {
      if (info.config.name.startsWith(prefix)) await jsm.streams.delete(info.config.name);
    }
  } finally {
    await nc.close();
  }
}
