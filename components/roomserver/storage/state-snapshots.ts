import type { Queryable } from "../../internal/database/database.js";

/** roomserver_state_snapshots: a room state as the list of its blocks, addressed by hash. */
export async function selectSnapshotBlockNids(q: Queryable, snapshotNid: number): Promise<number[] | null> {
  const [row] = await q.query<{ block_nids: (number | string)[] }>(
    "SELECT block_nids FROM roomserver_state_snapshots WHERE snapshot_nid = $1",
    [snapshotNid],
  );
  return row ? row.block_nids.map(Number) : null;
}

export async function selectSnapshotNidByHash(q: Queryable, hash: Uint8Array): Promise<number | null> {
  const [row] = await q.query<{ snapshot_nid: number }>("SELECT snapshot_nid FROM roomserver_state_snapshots WHERE hash = $1", [hash]);
  return row?.snapshot_nid ?? null;
}

export async function insertSnapshot(q: Queryable, hash: Uint8Array, roomNid: number, blockNids: readonly number[]): Promise<number> {
  const [row] = await q.query<{ snapshot_nid: number }>(
    "INSERT INTO roomserver_state_snapshots (hash, room_nid, block_nids) VALUES ($1, $2, $3::bigint[]) RETURNING snapshot_nid",
    [hash, roomNid, blockNids],
  );
  return row!.snapshot_nid;
}
