/** The embedded database's page cache by default (config `database.embedded_cache_mb`). */
export const DEFAULT_CACHE_MB = 16;

/**
 * PGlite's memory, sized for what it is: one connection in one process. PostgreSQL's
 * defaults are for a server of a hundred connections with memory to spare: 128 MB of
 * shared_buffers (each page read once stays resident in the WASM heap, which never
 * shrinks) and shared memory for 100 backends' locks and state. On a fresh server those
 * made most of its resident memory (issue 16: 16 MB of cache and 10 backends' worth took a
 * restarted server's database from ~325 to ~180 MB). Pages the cache misses are read from
 * the OS's file cache, a system call away, not from the disk.
 * max_connections bounds the shared lock table (max_locks_per_transaction times it, plus
 * the auxiliary processes'): 10 leave a migration room for ~1,000 locks in one transaction.
 */
export function pgliteMemoryParams(cacheMb: number): string[] {
  const mb = Math.max(1, cacheMb); // PostgreSQL refuses less than 128 kB
  return ["-c", `shared_buffers=${mb}MB`, "-c", "max_connections=10"];
}
