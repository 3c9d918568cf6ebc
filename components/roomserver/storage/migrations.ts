import type { Migration } from "../../internal/database/migrations.js";

/**
 * The roomserver's tables. Events and rooms get numeric IDs (nids) so state snapshots,
 * which are the bulk of the data, hold 8-byte integers rather than event ID strings.
 */
export const ROOMSERVER_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "rooms, events, state snapshots, memberships, aliases, outbox",
    up: `
      CREATE TABLE roomserver_rooms (
        room_nid BIGSERIAL PRIMARY KEY,
        room_id TEXT NOT NULL UNIQUE,
        room_version TEXT NOT NULL,
        -- forward extremities
        latest_event_nids BIGINT[] NOT NULL DEFAULT '{}',
        current_snapshot_nid BIGINT NOT NULL DEFAULT 0,
        -- the event of the last NewRoomEvent output, for consumers' gap detection
        last_sent_event_id TEXT NOT NULL DEFAULT '',
        published BOOLEAN NOT NULL DEFAULT false
      );

      CREATE TABLE roomserver_events (
        event_nid BIGSERIAL PRIMARY KEY,
        room_nid BIGINT NOT NULL,
        event_id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL,
        state_key TEXT,
        sender TEXT NOT NULL,
        depth BIGINT NOT NULL,
        -- the event as stored: its canonical JSON, or the redacted form once redacted
        json TEXT NOT NULL,
        auth_event_nids BIGINT[] NOT NULL,
        prev_event_ids TEXT[] NOT NULL,
        -- the state before the event; NULL for outliers, which have no known state
        state_before_nid BIGINT,
        -- 'accepted', 'rejected' or 'soft_failed'
        status TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        outlier BOOLEAN NOT NULL,
        redacted_by TEXT
      );
      CREATE INDEX roomserver_events_topological ON roomserver_events (room_nid, depth, event_nid);

      -- A state snapshot is a list of blocks; a block is a sorted list of state event nids of
      -- one hash bucket of state keys. Both are addressed by the hash of their content, so
      -- equal state is stored once and a change rewrites one block, not the whole state.
      CREATE TABLE roomserver_state_blocks (
        block_nid BIGSERIAL PRIMARY KEY,
        hash BYTEA NOT NULL UNIQUE,
        event_nids BIGINT[] NOT NULL
      );
      CREATE TABLE roomserver_state_snapshots (
        snapshot_nid BIGSERIAL PRIMARY KEY,
        hash BYTEA NOT NULL UNIQUE,
        room_nid BIGINT NOT NULL,
        block_nids BIGINT[] NOT NULL
      );

      -- Current membership of each user in each room (from the current state).
      CREATE TABLE roomserver_memberships (
        room_nid BIGINT NOT NULL,
        user_id TEXT NOT NULL,
        membership TEXT NOT NULL,
        event_nid BIGINT NOT NULL,
        is_local BOOLEAN NOT NULL,
        PRIMARY KEY (room_nid, user_id)
      );
      CREATE INDEX roomserver_memberships_user ON roomserver_memberships (user_id, membership);

      CREATE TABLE roomserver_redactions (
        redaction_event_id TEXT PRIMARY KEY,
        redacts_event_id TEXT NOT NULL,
        applied BOOLEAN NOT NULL DEFAULT false
      );
      CREATE INDEX roomserver_redactions_target ON roomserver_redactions (redacts_event_id);

      CREATE TABLE roomserver_room_aliases (
        alias TEXT PRIMARY KEY,
        room_id TEXT NOT NULL,
        creator TEXT NOT NULL
      );
      CREATE INDEX roomserver_room_aliases_room ON roomserver_room_aliases (room_id);

      -- Output messages committed with the change that caused them, published after commit.
      CREATE TABLE roomserver_outbox (
        id BIGSERIAL PRIMARY KEY,
        subject TEXT NOT NULL,
        msg_id TEXT NOT NULL,
        payload BYTEA NOT NULL
      );`,
  },
  {
    version: 2,
    name: "server keys trusted by an operator",
    up: `
      -- Verify keys of other servers that an operator vouched for (import-room carries the
      -- exporting server's keys); federation will add the keys it fetches.
      CREATE TABLE roomserver_server_keys (
        server_name TEXT NOT NULL,
        key_id TEXT NOT NULL,
        public_key TEXT NOT NULL,
        PRIMARY KEY (server_name, key_id)
      );`,
  },
  {
    version: 3,
    name: "completed event templates",
    up: `
      -- The event each completed template became, by template ID (a client's device and
      -- transaction ID): a repeated template is answered with its first event.
      CREATE TABLE roomserver_completed_templates (
        template_id TEXT PRIMARY KEY,
        event_id TEXT NOT NULL
      );`,
  },
];
