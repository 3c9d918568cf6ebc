import type { Migration } from "../../internal/database/migrations.js";

/** The clientapi's own tables, all prefixed `clientapi_`. */
export const CLIENTAPI_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "transaction IDs, forgotten rooms",
    up: `
      -- What each (device, transaction ID) of PUT /send and /redact produced, so a retry
      -- answers with the first event instead of sending another. The endpoint and room are
      -- part of the key because a client's transaction IDs are scoped to the request path.
      CREATE TABLE clientapi_transactions (
        user_id TEXT NOT NULL,
        device_id TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        room_id TEXT NOT NULL,
        txn_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        created_ts BIGINT NOT NULL,
        PRIMARY KEY (user_id, device_id, endpoint, room_id, txn_id)
      );
      CREATE INDEX clientapi_transactions_created ON clientapi_transactions (created_ts);

      -- Rooms a user left and then forgot (POST /forget); rejoining removes the row.
      CREATE TABLE clientapi_forgotten_rooms (
        user_id TEXT NOT NULL,
        room_id TEXT NOT NULL,
        forgotten_ts BIGINT NOT NULL,
        PRIMARY KEY (user_id, room_id)
      );
    `,
  },
  {
    version: 2,
    name: "transaction IDs move to the roomserver",
    up: `
      -- The roomserver records each client transaction with the event it became, in the
      -- transaction that stores the event (roomserver_completed_templates).
      DROP TABLE clientapi_transactions;
    `,
  },
];
