import type { Migration } from "../../internal/database/migrations.js";

export const FEDERATIONAPI_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "other servers' signing keys",
    up: `
-- Keys of other servers, fetched directly or through a notary and checked (self-signature,
-- and the notary's). valid_until_ts is already capped at fetch time + 7 days; expired_ts is
-- set for a key that came from old_verify_keys.
CREATE TABLE federationapi_server_keys (
  server_name TEXT NOT NULL,
  key_id TEXT NOT NULL,
  public_key TEXT NOT NULL,
  valid_until_ts BIGINT NOT NULL,
  expired_ts BIGINT,
  fetched_at BIGINT NOT NULL,
  PRIMARY KEY (server_name, key_id)
);
`,
  },
  {
    version: 2,
    name: "other servers' signed key responses, for the notary endpoints",
    up: `
-- The newest checked server keys object of each server, as it signed it: the notary
-- endpoints serve it on (with our signature added), since only the original bytes carry
-- the origin's signature.
CREATE TABLE federationapi_server_key_responses (
  server_name TEXT PRIMARY KEY,
  response_json TEXT NOT NULL,
  valid_until_ts BIGINT NOT NULL,
  fetched_at BIGINT NOT NULL
);
`,
  },
];
