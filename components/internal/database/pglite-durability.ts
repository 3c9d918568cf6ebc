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
 * database whose catalog a power loss took is lost whatever its WAL holds. Once per
 * database. The ~1,000 flushes go out together, a few at a time (the file system commits
 * its journal for many at once): 0.2 s instead of 3.8 s one after another on this machine.
 */
export async function syncTree(dir: string): Promise<void> {
  const paths: string[] = [];
  const walk = (path: string) => {
    for (const entry of fs.readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) paths.push(child);
    }
    paths.push(path);
  };
  walk(dir);
  let next = 0;
  const worker = async () => {
    while (next < paths.length) await syncPath(paths[next++]!);
  };
  await Promise.all(Array.from({ length: SYNCS_AT_ONCE }, worker));
  await syncPath(join(dir, ".."));
}

/** Enough to keep the thread pool's flushes going, few enough to stay far from the open files limit. */
const SYNCS_AT_ONCE = 32;

/** Opens, flushes and closes `path` (file or folder) through `fs` as it is at the call (tests count the flushes). */
function syncPath(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.open(path, "r", (err, fd) => {
      if (err) return reject(err);
      fs.fsync(fd, (syncErr) => fs.close(fd, (closeErr) => (syncErr || closeErr ? reject(syncErr ?? closeErr) : resolve())));
    });
  });
}
