import type { Migration } from "../../internal/database/migrations.js";

/**
 * The userapi's tables, all prefixed `userapi_`. Users are keyed by localpart: only local
 * users have accounts, and the server name is fixed before the first account is made.
 */
export const USERAPI_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "accounts, devices, sessions, profiles, account data, filters, push rules",
    up: `
      CREATE TABLE userapi_accounts (
        localpart TEXT PRIMARY KEY,
        password_hash TEXT,
        account_type TEXT NOT NULL CHECK (account_type IN ('user', 'guest', 'admin')),
        created_ts BIGINT NOT NULL,
        deactivated BOOLEAN NOT NULL DEFAULT false
      );
      -- Numeric localparts for guests and registrations without a username.
      CREATE SEQUENCE userapi_generated_localpart_seq START 1;

      CREATE TABLE userapi_devices (
        localpart TEXT NOT NULL REFERENCES userapi_accounts (localpart),
        device_id TEXT NOT NULL,
        display_name TEXT,
        -- SHA-256 of the access token; the token itself is never stored.
        token_hash BYTEA NOT NULL UNIQUE,
        created_ts BIGINT NOT NULL,
        last_seen_ts BIGINT,
        last_seen_ip TEXT,
        PRIMARY KEY (localpart, device_id)
      );

      CREATE TABLE userapi_auth_sessions (
        session_id TEXT PRIMARY KEY,
        operation TEXT NOT NULL,
        user_id TEXT,
        completed JSONB NOT NULL DEFAULT '[]',
        created_ts BIGINT NOT NULL
      );
      CREATE INDEX userapi_auth_sessions_created ON userapi_auth_sessions (created_ts);

      CREATE TABLE userapi_profiles (
        localpart TEXT PRIMARY KEY REFERENCES userapi_accounts (localpart),
        fields JSONB NOT NULL DEFAULT '{}'
      );

      CREATE TABLE userapi_account_data (
        localpart TEXT NOT NULL REFERENCES userapi_accounts (localpart),
        -- '' for global account data.
        room_id TEXT NOT NULL,
        type TEXT NOT NULL,
        content JSONB NOT NULL,
        PRIMARY KEY (localpart, room_id, type)
      );

      CREATE TABLE userapi_filters (
        filter_id BIGSERIAL PRIMARY KEY,
        localpart TEXT NOT NULL REFERENCES userapi_accounts (localpart),
        filter JSONB NOT NULL
      );

      CREATE TABLE userapi_push_rules (
        localpart TEXT PRIMARY KEY REFERENCES userapi_accounts (localpart),
        rules JSONB NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: "user-interactive auth sessions remember their first request and their result",
    up: `
      ALTER TABLE userapi_auth_sessions
        ADD COLUMN params JSONB NOT NULL DEFAULT '{}',
        -- The scrypt hash of a password the first request gave; never the password itself.
        ADD COLUMN password_hash TEXT,
        -- What the operation answered (registration), so a retry gets the same answer.
        ADD COLUMN result JSONB;
    `,
  },
  {
    version: 3,
    name: "server-side key backups: versions and their session keys",
    up: `
      CREATE TABLE userapi_key_backup_versions (
        localpart TEXT NOT NULL REFERENCES userapi_accounts (localpart),
        -- Per user 1, 2, 3...; a deleted version keeps its row, so its number is never reused.
        version BIGINT NOT NULL,
        algorithm TEXT NOT NULL,
        auth_data JSONB NOT NULL,
        -- Bumped by every change of the version's keys; clients compare it to notice others' uploads.
        etag BIGINT NOT NULL DEFAULT 0,
        deleted BOOLEAN NOT NULL DEFAULT false,
        PRIMARY KEY (localpart, version)
      );

      CREATE TABLE userapi_key_backup_keys (
        localpart TEXT NOT NULL,
        version BIGINT NOT NULL,
        room_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        first_message_index BIGINT NOT NULL,
        forwarded_count BIGINT NOT NULL,
        is_verified BOOLEAN NOT NULL,
        -- Encrypted by the client; stored and served as given.
        session_data JSONB NOT NULL,
        PRIMARY KEY (localpart, version, room_id, session_id),
        FOREIGN KEY (localpart, version) REFERENCES userapi_key_backup_versions (localpart, version)
      );
    `,
  },
  {
    version: 4,
    name: "end-to-end encryption keys: device keys, one-time keys, fallback keys",
    up: `
      -- Each key table cascades from its device: deleting a device (logout, deletion,
      -- deactivation) drops its keys in the same statement, whichever path deletes it.
      CREATE TABLE userapi_device_keys (
        localpart TEXT NOT NULL,
        device_id TEXT NOT NULL,
        -- The signed device keys object as the device uploaded it (JSON text: served as is).
        key_json TEXT NOT NULL,
        PRIMARY KEY (localpart, device_id),
        FOREIGN KEY (localpart, device_id) REFERENCES userapi_devices (localpart, device_id) ON DELETE CASCADE
      );

      -- Handed out in upload order (upload_seq) and deleted when claimed.
      CREATE SEQUENCE userapi_one_time_key_seq;
      CREATE TABLE userapi_one_time_keys (
        localpart TEXT NOT NULL,
        device_id TEXT NOT NULL,
        algorithm TEXT NOT NULL,
        key_id TEXT NOT NULL,
        key_json TEXT NOT NULL,
        upload_seq BIGINT NOT NULL DEFAULT nextval('userapi_one_time_key_seq'),
        PRIMARY KEY (localpart, device_id, algorithm, key_id),
        FOREIGN KEY (localpart, device_id) REFERENCES userapi_devices (localpart, device_id) ON DELETE CASCADE
      );
      CREATE INDEX userapi_one_time_keys_claim ON userapi_one_time_keys (localpart, device_id, algorithm, upload_seq);

      -- At most one per algorithm; kept when claimed, only marked used.
      CREATE TABLE userapi_fallback_keys (
        localpart TEXT NOT NULL,
        device_id TEXT NOT NULL,
        algorithm TEXT NOT NULL,
        key_id TEXT NOT NULL,
        key_json TEXT NOT NULL,
        used BOOLEAN NOT NULL DEFAULT false,
        PRIMARY KEY (localpart, device_id, algorithm),
        FOREIGN KEY (localpart, device_id) REFERENCES userapi_devices (localpart, device_id) ON DELETE CASCADE
      );
    `,
  },
  {
    version: 5,
    name: "cross-signing keys and the signatures uploaded for keys",
    up: `
      -- A user's master, self-signing and user-signing keys, as canonical JSON text.
      CREATE TABLE userapi_cross_signing_keys (
        localpart TEXT NOT NULL REFERENCES userapi_accounts (localpart),
        key_type TEXT NOT NULL CHECK (key_type IN ('master', 'self_signing', 'user_signing')),
        key_json TEXT NOT NULL,
        PRIMARY KEY (localpart, key_type)
      );

      -- Signatures from POST /keys/signatures/upload, merged into the keys they sign when
      -- served: target_key_id is a device ID or a cross-signing public key.
      CREATE TABLE userapi_key_signatures (
        origin_user_id TEXT NOT NULL,
        origin_key_id TEXT NOT NULL,
        target_user_id TEXT NOT NULL,
        target_key_id TEXT NOT NULL,
        signature TEXT NOT NULL,
        PRIMARY KEY (target_user_id, target_key_id, origin_user_id, origin_key_id)
      );
    `,
  },
];
