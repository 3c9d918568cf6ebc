import fs from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { NodeFS } from "@electric-sql/pglite/nodefs";
import { DEFAULT_CACHE_MB, pgliteMemoryParams } from "./pglite-memory.js";

/**
 * How PGlite keeps its folder on disk. PGlite runs PostgreSQL over Emscripten's NODEFS and
 * starts it with fsync off; and NODEFS's files have no fsync of their own (the call succeeds
 * and does nothing), and fdatasync is a no-op in Emscripten. So durability takes three
 * things: fsync on, WAL flushed with fsync() rather than fdatasync() (`wal_sync_method`),
 * and NODEFS files whose fsync is the OS's (DurableNodeFS). Then each commit's WAL is on
 * disk before the commit returns, as with any PostgreSQL; without them a commit is in the
 * OS's page cache only (safe from a process crash, not from a power loss or OS crash).
 */

/**
 * PGlite's start parameters: its defaults, with fsync as asked and memory sized for one
 * connection (memory-settings.ts). A later `-c` wins over an earlier flag.
 */
export function pgliteStartParams(fsync: boolean, cacheMb = DEFAULT_CACHE_MB): string[] {
  return [
    ...PGlite.defaultStartParams,
    ...(fsync ? ["-c", "fsync=on", "-c", "wal_sync_method=fsync"] : ["-c", "fsync=off"]),
    ...pgliteMemoryParams(cacheMb),
  ];
}

type EmscriptenOptions = Parameters<NodeFS["init"]>[1];

interface NodeFsInternals {
  NODEFS: {
    stream_ops: { fsync?: (stream: { nfd: number }) => number };
    tryFSOperation<T>(work: () => T): T;
  };
}

/** PGlite's NodeFS whose files' fsync reaches the disk (an I/O error becomes the errno PostgreSQL sees). */
export class DurableNodeFS extends NodeFS {
  override async init(pg: PGlite, opts: EmscriptenOptions): Promise<{ emscriptenOpts: EmscriptenOptions }> {
    const { emscriptenOpts } = await super.init(pg, opts);
    const giveFsync = (mod: unknown) => {
      const { NODEFS } = mod as NodeFsInternals;
      NODEFS.stream_ops.fsync = (stream) => {
        NODEFS.tryFSOperation(() => fs.fsyncSync(stream.nfd));
        return 0;
      };
    };
    return { emscriptenOpts: { ...emscriptenOpts, preRun: [...(emscriptenOpts.preRun ?? []), giveFsync] } };
  }
}

/** Whether `dir` holds no database yet (PGlite runs initdb there on open). */
export function isFreshDataDir(dir: string): boolean {
  return !fs.existsSync(join(dir, "PG_VERSION"));
}

/**
 * Flushes every file and folder under `dir`, and `dir`'s entry in its parent, to disk. For a
 * folder PGlite has just initialised: initdb writes the catalog without syncing it, and a
 * database whose catalog a power loss took is lost whatever its WAL holds. Costs a few
 * seconds, once per database.
 */
export function syncTree(dir: string): void {
  const syncPath = (path: string) => {
    const fd = fs.openSync(path, "r");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  };
  const walk = (path: string) => {
    for (const entry of fs.readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) syncPath(child);
    }
    syncPath(path);
  };
  walk(dir);
  syncPath(join(dir, ".."));
}
