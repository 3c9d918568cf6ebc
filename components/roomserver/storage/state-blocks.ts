import type { Queryable } from "../../internal/database/database.js";
import { valuesList } from "../../internal/database/values-list.js";

/** roomserver_state_blocks: one bucket of a room state (event nids), addressed by hash. */

/** The event nids of all the given blocks, concatenated. */
export async function selectBlockEventNids(q: Queryable, blockNids: readonly number[]): Promise<number[]> {
  const rows = await q.query<{ event_nids: (number | string)[] }>(
    "SELECT event_nids FROM roomserver_state_blocks WHERE block_nid = ANY($1::bigint[])",
    [blockNids],
  );
  return rows.flatMap((b) => b.event_nids.map(Number));
}

/** Block nid by hex hash, for the blocks that exist. */
export async function selectBlockNidsByHash(q: Queryable, hashes: readonly Uint8Array[]): Promise<Map<string, number>> {
  const rows = await q.query<{ hash: Uint8Array; block_nid: number }>(
    "SELECT hash, block_nid FROM roomserver_state_blocks WHERE hash = ANY($1::bytea[])",
    [hashes],
  );
  return new Map(rows.map((r) => [Buffer.from(r.hash).toString("hex"), r.block_nid]));
}

/** Inserts the blocks in one statement; returns block nid by hex hash. */
export async function insertBlocks(
  q: Queryable,
  blocks: readonly { hash: Uint8Array; nids: readonly number[] }[],
): Promise<Map<string, number>> {
  const values = valuesList(
    blocks.map((b) => [b.hash, b.nids]),
    { 1: "::bigint[]" },
  );
  const rows = await q.query<{ hash: Uint8Array; block_nid: number }>(
    `INSERT INTO roomserver_state_blocks (hash, event_nids) VALUES ${values.sql} RETURNING hash, block_nid`,
    values.params,
  );
  return new Map(rows.map((r) => [Buffer.from(r.hash).toString("hex"), r.block_nid]));
}
