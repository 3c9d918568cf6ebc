import type { Migration } from "../../database/migrations.js";

/** Tables of the in-process log: its streams' messages and its durable consumers' positions. */
export const IN_PROCESS_LOG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "streams, messages and durable consumers",
    up: `
      CREATE TABLE eventlog_streams (name TEXT PRIMARY KEY);
      CREATE TABLE eventlog_messages (
        stream TEXT NOT NULL,
        seq BIGINT NOT NULL,
        subject TEXT NOT NULL,
        data BYTEA NOT NULL,
        headers JSONB NOT NULL,
        msg_id TEXT,
        PRIMARY KEY (stream, seq)
      );
      CREATE UNIQUE INDEX eventlog_messages_msg_id ON eventlog_messages (stream, msg_id) WHERE msg_id IS NOT NULL;
      CREATE TABLE eventlog_consumers (
        name TEXT PRIMARY KEY,
        stream TEXT NOT NULL,
        -- every sequence up to ack_floor is acknowledged; acked_above lists those beyond it
        ack_floor BIGINT NOT NULL DEFAULT 0,
        acked_above BIGINT[] NOT NULL DEFAULT '{}',
        -- highest sequence ever delivered, to flag redeliveries after a restart
        delivered_max BIGINT NOT NULL DEFAULT 0
      );`,
  },
];
