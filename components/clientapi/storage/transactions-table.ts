import type { Queryable } from "../../internal/database/database.js";

/** Identifies one client request that may be retried: the device, the endpoint and room, the txnId. */
export interface TransactionKey {
  readonly userId: string;
  readonly deviceId: string;
  /** "send" or "redact". */
  readonly endpoint: string;
  readonly roomId: string;
  readonly txnId: string;
}

const KEY_COLUMNS = "user_id = $1 AND device_id = $2 AND endpoint = $3 AND room_id = $4 AND txn_id = $5";
const keyParams = (k: TransactionKey) => [k.userId, k.deviceId, k.endpoint, k.roomId, k.txnId];

/** clientapi_transactions: the event each retried-able request produced. */
export class TransactionsTable {
  constructor(private readonly db: Queryable) {}

  async eventIdOf(key: TransactionKey): Promise<string | null> {
    const rows = await this.db.query<{ event_id: string }>(`SELECT event_id FROM clientapi_transactions WHERE ${KEY_COLUMNS}`, keyParams(key));
    return rows[0]?.event_id ?? null;
  }

  /**
   * Records the event a request is about to send. Returns the event ID now on record: `eventId`
   * when this call claimed the transaction, another request's when that one claimed it first.
   */
  async claim(key: TransactionKey, eventId: string): Promise<string> {
    const inserted = await this.db.query<{ event_id: string }>(
      `INSERT INTO clientapi_transactions (user_id, device_id, endpoint, room_id, txn_id, event_id, created_ts)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING event_id`,
      [...keyParams(key), eventId, Date.now()],
    );
    return inserted[0]?.event_id ?? (await this.eventIdOf(key)) ?? eventId;
  }

  /** Gives a claim back after the event was refused, so a retry may try again. */
  async release(key: TransactionKey, eventId: string): Promise<void> {
    await this.db.execute(`DELETE FROM clientapi_transactions WHERE ${KEY_COLUMNS} AND event_id = $6`, [...keyParams(key), eventId]);
  }
}
