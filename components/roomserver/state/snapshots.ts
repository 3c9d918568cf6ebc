import { createHash } from "node:crypto";
import type { Queryable } from "../../internal/database/database.js";
import type { UnitOfWork } from "../storage/unit-of-work.js";
import { LruMap } from "../../internal/cache/lru-map.js";
import { selectStateKeysByNids } from "../storage/events.js";
import { insertBlocks, selectBlockEventNids, selectBlockNidsByHash } from "../storage/state-blocks.js";
import { insertSnapshot, selectSnapshotBlockNids, selectSnapshotNidByHash } from "../storage/state-snapshots.js";

/** Room state as numeric IDs: state key ("type\0state_key") to the nid of its event. */
export type StateNids = ReadonlyMap<string, number>;

/**
 * The number of buckets state keys hash into. A state change rewrites one bucket's block,
 * so storage grows with (changes x state size / BUCKETS), never with events x state size.
 */
export const BUCKETS = 64;

/** FNV-1a: cheap, stable across processes and versions (a snapshot's hash depends on it). */
export function bucketOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % BUCKETS;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest();

/**
 * Stores and loads state snapshots as hash-addressed blocks (see the migration's comment).
 * Saving the same state twice returns the same snapshot; saving a state that differs in
 * one key writes one new block and one snapshot row.
 */
export class SnapshotStore {
  // Bounded so memory stays flat: a snapshot map holds a whole room's state.
  private readonly snapshots = new LruMap<number, StateNids>(256);
  private readonly snapshotNidByHash = new LruMap<string, number>(4096);
  private readonly blockNidByHash = new LruMap<string, number>(16384);
  /** The state key of each state event nid: state events never change key. */
  private readonly keyOfNid = new LruMap<number, string>(200_000);

  /** Records an event's state key (safe before commit: nids are never reused). */
  rememberKey(nid: number, key: string): void {
    this.keyOfNid.set(nid, key);
  }

  async load(q: Queryable, snapshotNid: number): Promise<StateNids> {
    if (snapshotNid === 0) return new Map();
    const cached = this.snapshots.get(snapshotNid);
    if (cached) return cached;
    const blockNids = await selectSnapshotBlockNids(q, snapshotNid);
    if (!blockNids) throw new Error(`state snapshot ${snapshotNid} does not exist`);
    const nids = await selectBlockEventNids(q, blockNids);
    await this.loadKeys(q, nids);
    const state = new Map<string, number>();
    for (const nid of nids) state.set(this.keyOfNid.get(nid)!, nid);
    this.snapshots.set(snapshotNid, state);
    return state;
  }

  async save(uow: UnitOfWork, roomNid: number, state: StateNids): Promise<number> {
    const buckets: number[][] = Array.from({ length: BUCKETS }, () => []);
    for (const [key, nid] of state) {
      buckets[bucketOf(key)]!.push(nid);
      this.keyOfNid.set(nid, key);
    }
    const blocks: { hash: Buffer; nids: number[] }[] = [];
    buckets.forEach((nids, bucket) => {
      if (nids.length === 0) return;
      nids.sort((a, b) => a - b);
      blocks.push({ hash: sha256(`${bucket}:${nids.join(",")}`), nids });
    });
    const snapshotHash = sha256(`${roomNid}|${blocks.map((b) => b.hash.toString("hex")).join("|")}`);
    const snapshotKey = snapshotHash.toString("hex");
    const known = this.snapshotNidByHash.get(snapshotKey);
    if (known !== undefined) return known;

    const blockNids = await this.saveBlocks(uow, blocks);
    const snapshotNid =
      (await selectSnapshotNidByHash(uow.q, snapshotHash)) ?? (await insertSnapshot(uow.q, snapshotHash, roomNid, blockNids));
    const frozen = new Map(state);
    uow.afterCommit(() => {
      this.snapshotNidByHash.set(snapshotKey, snapshotNid);
      this.snapshots.set(snapshotNid, frozen);
    });
    return snapshotNid;
  }

  private async saveBlocks(uow: UnitOfWork, blocks: { hash: Buffer; nids: number[] }[]): Promise<number[]> {
    const nidOf = new Map<string, number>();
    const unknown = blocks.filter((b) => {
      const nid = this.blockNidByHash.get(b.hash.toString("hex"));
      if (nid !== undefined) nidOf.set(b.hash.toString("hex"), nid);
      return nid === undefined;
    });
    if (unknown.length > 0) {
      const found = await selectBlockNidsByHash(
        uow.q,
        unknown.map((b) => b.hash),
      );
      for (const [hash, nid] of found) nidOf.set(hash, nid);
      const missing = unknown.filter((b) => !nidOf.has(b.hash.toString("hex")));
      if (missing.length > 0) {
        for (const [hash, nid] of await insertBlocks(uow.q, missing)) nidOf.set(hash, nid);
      }
      uow.afterCommit(() => {
        for (const b of unknown) this.blockNidByHash.set(b.hash.toString("hex"), nidOf.get(b.hash.toString("hex"))!);
      });
    }
    return blocks.map((b) => nidOf.get(b.hash.toString("hex"))!);
  }

  private async loadKeys(q: Queryable, nids: readonly number[]): Promise<void> {
    const missing = nids.filter((nid) => this.keyOfNid.get(nid) === undefined);
    if (missing.length === 0) return;
    for (const [nid, key] of await selectStateKeysByNids(q, missing)) this.keyOfNid.set(nid, key);
  }
}
