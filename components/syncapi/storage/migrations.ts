import type { Migration } from "../../internal/database/migrations.js";

/**
 * The syncapi's own stream-ordered store. Every stream position handed to clients comes
 * from one of these sequences (never from log sequence numbers), so a sync token stays
 * valid across restarts and across a change of event log.
 */
export const SYNCAPI_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "room events, state deltas, current state",
    up: `
CREATE SEQUENCE syncapi_pdu_seq;
CREATE TABLE syncapi_events (
  position BIGINT PRIMARY KEY DEFAULT nextval('syncapi_pdu_seq'),
  event_id TEXT NOT NULL UNIQUE,
  room_id TEXT NOT NULL,
  type TEXT NOT NULL,
  sender TEXT NOT NULL,
  state_key TEXT,
  contains_url BOOLEAN NOT NULL,
  event_json TEXT NOT NULL,
  -- the history visibility in force for the event (from the state before it)
  history_visibility TEXT NOT NULL,
  -- false for state events known only from a state resolution, and backfilled history
  in_timeline BOOLEAN NOT NULL,
  txn_device_id TEXT,
  txn_id TEXT,
  -- unsigned.prev_content / prev_sender / replaces_state of a state event
  prev_event_id TEXT,
  relates_to TEXT,
  rel_type TEXT,
  redaction_event_id TEXT
);
CREATE INDEX syncapi_events_room ON syncapi_events (room_id, position) WHERE in_timeline;
CREATE INDEX syncapi_events_relations ON syncapi_events (relates_to, position) WHERE relates_to IS NOT NULL;

-- Every change of a room's state at the position of the event that made it, so the state
-- at any stream position (and the changes between two) is one query.
CREATE TABLE syncapi_state_deltas (
  position BIGINT NOT NULL,
  room_id TEXT NOT NULL,
  type TEXT NOT NULL,
  state_key TEXT NOT NULL,
  -- NULL when the key left the state (a state resolution removed it)
  event_id TEXT,
  membership TEXT
);
CREATE INDEX syncapi_state_deltas_key ON syncapi_state_deltas (room_id, type, state_key, position DESC);
CREATE INDEX syncapi_state_deltas_member ON syncapi_state_deltas (state_key, position) WHERE type = 'm.room.member';
CREATE INDEX syncapi_state_deltas_room ON syncapi_state_deltas (room_id, position);

CREATE TABLE syncapi_current_state (
  room_id TEXT NOT NULL,
  type TEXT NOT NULL,
  state_key TEXT NOT NULL,
  event_id TEXT NOT NULL,
  position BIGINT NOT NULL,
  membership TEXT,
  PRIMARY KEY (room_id, type, state_key)
);
CREATE INDEX syncapi_current_state_member ON syncapi_current_state (state_key, membership) WHERE type = 'm.room.member';
`,
  },
  {
    version: 2,
    name: "invites, typing, receipts, to-device, account data, presence, key changes",
    up: `
CREATE SEQUENCE syncapi_invite_seq;
CREATE TABLE syncapi_invites (
  event_id TEXT PRIMARY KEY,
  position BIGINT NOT NULL,
  room_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  event_json TEXT NOT NULL,
  retired BOOLEAN NOT NULL DEFAULT false
);
CREATE INDEX syncapi_invites_user ON syncapi_invites (user_id, position);

CREATE SEQUENCE syncapi_typing_seq;
CREATE TABLE syncapi_typing (
  room_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  typing BOOLEAN NOT NULL,
  expires_at BIGINT NOT NULL,
  position BIGINT NOT NULL,
  PRIMARY KEY (room_id, user_id)
);
CREATE INDEX syncapi_typing_room ON syncapi_typing (room_id, position);

CREATE SEQUENCE syncapi_receipt_seq;
CREATE TABLE syncapi_receipts (
  room_id TEXT NOT NULL,
  receipt_type TEXT NOT NULL,
  user_id TEXT NOT NULL,
  thread_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  ts BIGINT NOT NULL,
  position BIGINT NOT NULL,
  PRIMARY KEY (room_id, receipt_type, user_id, thread_id)
);
CREATE INDEX syncapi_receipts_room ON syncapi_receipts (room_id, position);

CREATE SEQUENCE syncapi_to_device_seq;
CREATE TABLE syncapi_send_to_device (
  position BIGINT PRIMARY KEY DEFAULT nextval('syncapi_to_device_seq'),
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  sender TEXT NOT NULL,
  type TEXT NOT NULL,
  content TEXT NOT NULL,
  message_id TEXT NOT NULL,
  UNIQUE (message_id, user_id, device_id)
);
CREATE INDEX syncapi_send_to_device_device ON syncapi_send_to_device (user_id, device_id, position);

CREATE SEQUENCE syncapi_account_data_seq;
CREATE TABLE syncapi_account_data (
  user_id TEXT NOT NULL,
  -- '' for global account data
  room_id TEXT NOT NULL,
  type TEXT NOT NULL,
  content TEXT NOT NULL,
  position BIGINT NOT NULL,
  PRIMARY KEY (user_id, room_id, type)
);
CREATE INDEX syncapi_account_data_user ON syncapi_account_data (user_id, position);

CREATE SEQUENCE syncapi_presence_seq;
CREATE TABLE syncapi_presence (
  user_id TEXT PRIMARY KEY,
  presence TEXT NOT NULL,
  status_msg TEXT,
  last_active_ts BIGINT NOT NULL,
  currently_active BOOLEAN NOT NULL,
  position BIGINT NOT NULL
);
CREATE INDEX syncapi_presence_position ON syncapi_presence (position);

CREATE SEQUENCE syncapi_key_change_seq;
CREATE TABLE syncapi_key_changes (
  position BIGINT PRIMARY KEY DEFAULT nextval('syncapi_key_change_seq'),
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL
);
`,
  },
  {
    version: 3,
    name: "key changes that only concern one device's key counts",
    up: `
-- A claim of a device's one-time or fallback keys: wakes that device's syncs with the new
-- counts, and is no device-list change for anyone.
ALTER TABLE syncapi_key_changes ADD COLUMN key_counts_only BOOLEAN NOT NULL DEFAULT false;
`,
  },
];
