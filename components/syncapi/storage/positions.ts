import { advisoryLockCall, type Queryable } from "../../internal/database/database.js";
import { zeroPositions, type StreamPositions, type SyncStream } from "../streams/positions.js";

const SEQUENCES: Record<SyncStream, string> = {
  pdu: "syncapi_pdu_seq",
  typing: "syncapi_typing_seq",
  receipt: "syncapi_receipt_seq",
  invite: "syncapi_invite_seq",
  toDevice: "syncapi_to_device_seq",
  accountData: "syncapi_account_data_seq",
  presence: "syncapi_presence_seq",
  deviceList: "syncapi_key_change_seq",
};

/** The latest position of every stream: where a restarted syncapi's tokens continue from. */
export async function latestPositions(q: Queryable): Promise<StreamPositions> {
  const out = zeroPositions();
  for (const [stream, seq] of Object.entries(SEQUENCES) as [SyncStream, string][]) {
    const [row] = await q.query<{ value: number }>(`SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS value FROM ${seq}`);
    out[stream] = Number(row!.value);
  }
  return out;
}

/**
 * The advisory lock that serialises a stream's writers: positions are taken from a sequence
 * inside transactions, and without it a later position could commit before an earlier one,
 * and a sync that saw the later one would skip the earlier for good.
 */
export function streamLock(stream: SyncStream): string {
  return SEQUENCES[stream];
}

/**
 * A WHERE condition that takes the stream's lock (held to the end of the transaction, or of
 * the statement when it runs on its own) and is true. Uncorrelated, so PostgreSQL checks it
 * once, before the statement makes its first row: before any position is taken.
 */
export function streamLockTaken(stream: SyncStream): string {
  return `(SELECT ${advisoryLockCall(streamLock(stream))}::text) IS NOT NULL`;
}
