import { expect } from "chai";
import fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateConfig } from "../../../components/internal/config/load.js";
import type { Database } from "../../../components/internal/database/database.js";
import { openDatabase } from "../../../components/internal/database/open.js";
import { UNFLUSHED_COMMIT } from "../../../components/internal/database/unflushed-commit.js";

/** How many times the process asked the OS to flush a file to disk while `work` ran (synchronously or not). */
async function fsyncsDuring(work: () => Promise<unknown>): Promise<number> {
  const original = fs.fsyncSync;
  const originalAsync = fs.fsync;
  let count = 0;
  fs.fsyncSync = (fd) => {
    count += 1;
    original(fd);
  };
  (fs as { fsync: typeof fs.fsync }).fsync = ((fd: number, callback: fs.NoParamCallback) => {
    count += 1;
    originalAsync(fd, callback);
  }) as typeof fs.fsync;
  try {
    await work();
  } finally {
    fs.fsyncSync = original;
    (fs as { fsync: typeof fs.fsync }).fsync = originalAsync;
  }
  return count;
}

async function setting(db: Database, name: string): Promise<string> {
  return (await db.query<Record<string, string>>(`SHOW ${name}`))[0]![name]!;
}

function countFiles(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).length;
}

/**
 * The embedded database as `openDatabase` opens it from a config: durable by default (each
 * commit flushed to disk before it returns), and not with `database.embedded_fsync: false`.
 */
describe("embedded database durability", function () {
  this.timeout(120_000);
  let dataDir: string;
  before(() => {
    dataDir = fs.mkdtempSync(join(tmpdir(), "dendrite-durability-"));
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("by default runs PGlite with fsync on, syncs a new database's files, and flushes each commit to disk", async () => {
    let db: Database | undefined;
    const atOpen = await fsyncsDuring(async () => {
      db = await openDatabase(validateConfig({ server_name: "a.example", data_dir: dataDir }));
    });
    try {
      expect(atOpen, "every file initdb wrote is synced once").to.be.at.least(countFiles(join(dataDir, "pglite")));
      expect(await setting(db!, "fsync")).to.equal("on");
      expect(await setting(db!, "wal_sync_method")).to.equal("fsync");
      expect(await setting(db!, "synchronous_commit")).to.equal("on");
      await db!.exec("CREATE TABLE durable_t (v int)");
      expect(await fsyncsDuring(() => db!.execute("INSERT INTO durable_t VALUES (1)"))).to.be.at.least(1);
      expect(await fsyncsDuring(() => db!.transaction((tx) => tx.execute("INSERT INTO durable_t VALUES (2)")))).to.be.at.least(1);
    } finally {
      await db?.close();
    }
  });

  it("with database.embedded_fsync false, runs with fsync off and flushes nothing at commit", async () => {
    const db = await openDatabase(validateConfig({ server_name: "a.example", data_dir: dataDir, database: { embedded_fsync: false } }));
    try {
      expect(await setting(db, "fsync")).to.equal("off");
      expect(await fsyncsDuring(() => db.execute("INSERT INTO durable_t VALUES (3)"))).to.equal(0);
      expect((await db.query("SELECT v FROM durable_t ORDER BY v")).map((r) => r.v)).to.deep.equal([1, 2, 3]);
    } finally {
      await db.close();
    }
  });

  it("commits a statement with UNFLUSHED_COMMIT without a flush; the next durable commit flushes it", async () => {
    const db = await openDatabase(validateConfig({ server_name: "a.example", data_dir: dataDir }));
    try {
      expect(await fsyncsDuring(() => db.execute(`INSERT INTO durable_t VALUES (4) ${UNFLUSHED_COMMIT}`))).to.equal(0);
      expect(await setting(db, "synchronous_commit")).to.equal("on");
      expect(await fsyncsDuring(() => db.execute("INSERT INTO durable_t VALUES (5)"))).to.be.at.least(1);
    } finally {
      await db.close();
    }
    // Closed and opened again: both are there.
    const reopened = await openDatabase(validateConfig({ server_name: "a.example", data_dir: dataDir }));
    try {
      expect((await reopened.query("SELECT v FROM durable_t WHERE v >= 4 ORDER BY v")).map((r) => r.v)).to.deep.equal([4, 5]);
    } finally {
      await reopened.close();
    }
  });

  it("makes a new database from the build's template instead of running initdb", async () => {
    // initdb gives each database a random system identifier; copies of one template share it.
    const identifiers: string[] = [];
    for (const name of ["first", "second"]) {
      const dir = join(dataDir, name);
      const db = await openDatabase(validateConfig({ server_name: "a.example", data_dir: dir }));
      try {
        identifiers.push((await db.query<{ id: string }>("SELECT system_identifier::text AS id FROM pg_control_system()"))[0]!.id);
        await db.exec("CREATE TABLE works_t (v int)");
      } finally {
        await db.close();
      }
    }
    expect(identifiers[0]).to.equal(identifiers[1]);
  });

  it("sizes its memory for one connection: a 16 MB page cache by default, database.embedded_cache_mb for more", async () => {
    const small = await openDatabase(validateConfig({ server_name: "a.example", data_dir: dataDir }));
    try {
      expect(await setting(small, "shared_buffers")).to.equal("16MB");
      expect(await setting(small, "max_connections")).to.equal("10");
    } finally {
      await small.close();
    }
    const large = await openDatabase(validateConfig({ server_name: "a.example", data_dir: dataDir, database: { embedded_cache_mb: 256 } }));
    try {
      expect(await setting(large, "shared_buffers")).to.equal("256MB");
    } finally {
      await large.close();
    }
  });
});
