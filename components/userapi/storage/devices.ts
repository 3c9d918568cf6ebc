import type { Queryable } from "../../internal/database/database.js";

/** userapi_devices: a user's devices, each with the hash of its one access token. */

export interface DeviceRow {
  device_id: string;
  display_name: string | null;
  last_seen_ts: number | null;
  last_seen_ip: string | null;
}

/** Who holds a token: the device, its user, and whether that user is a guest. */
export interface TokenOwnerRow {
  localpart: string;
  device_id: string;
  account_type: string;
}

/**
 * Creates the device or, if the user has it already, gives it the new token. Returns the
 * hash of the token it replaced, if any, so caches can drop it. Two statements (the old
 * token is read under a row lock): run it in a transaction.
 */
export async function upsertDevice(
  q: Queryable,
  localpart: string,
  deviceId: string,
  displayName: string | null,
  tokenHash: Buffer,
  now: number,
  ip: string | null,
): Promise<Buffer | null> {
  const old = await q.query<{ token_hash: Uint8Array }>(
    "SELECT token_hash FROM userapi_devices WHERE localpart = $1 AND device_id = $2 FOR UPDATE",
    [localpart, deviceId],
  );
  await q.execute(
    `INSERT INTO userapi_devices (localpart, device_id, display_name, token_hash, created_ts, last_seen_ts, last_seen_ip)
     VALUES ($1, $2, $3, $4, $5, $5, $6)
     ON CONFLICT (localpart, device_id)
     DO UPDATE SET token_hash = EXCLUDED.token_hash, last_seen_ts = EXCLUDED.last_seen_ts, last_seen_ip = EXCLUDED.last_seen_ip`,
    [localpart, deviceId, displayName, tokenHash, now, ip],
  );
  return old[0] ? Buffer.from(old[0].token_hash) : null;
}

/** The owner of the token with this hash, unless their account is deactivated. */
export async function selectTokenOwner(q: Queryable, tokenHash: Buffer): Promise<TokenOwnerRow | null> {
  const rows = await q.query<TokenOwnerRow & Record<string, unknown>>(
    `SELECT d.localpart, d.device_id, a.account_type FROM userapi_devices d
     JOIN userapi_accounts a ON a.localpart = d.localpart
     WHERE d.token_hash = $1 AND NOT a.deactivated`,
    [tokenHash],
  );
  return rows[0] ?? null;
}

export async function selectDevices(q: Queryable, localpart: string): Promise<DeviceRow[]> {
  return q.query<DeviceRow & Record<string, unknown>>(
    `SELECT device_id, display_name, last_seen_ts, last_seen_ip FROM userapi_devices
     WHERE localpart = $1 ORDER BY created_ts, device_id`,
    [localpart],
  );
}

export async function selectDevice(q: Queryable, localpart: string, deviceId: string): Promise<DeviceRow | null> {
  const rows = await q.query<DeviceRow & Record<string, unknown>>(
    "SELECT device_id, display_name, last_seen_ts, last_seen_ip FROM userapi_devices WHERE localpart = $1 AND device_id = $2",
    [localpart, deviceId],
  );
  return rows[0] ?? null;
}

/** False when the user has no such device. */
export async function updateDeviceName(q: Queryable, localpart: string, deviceId: string, displayName: string): Promise<boolean> {
  const changed = await q.execute("UPDATE userapi_devices SET display_name = $3 WHERE localpart = $1 AND device_id = $2", [
    localpart,
    deviceId,
    displayName,
  ]);
  return changed === 1;
}

/** Deletes the named devices (all but `exceptDeviceId` when `deviceIds` is null); returns their token hashes. */
export async function deleteDevices(
  q: Queryable,
  localpart: string,
  deviceIds: readonly string[] | null,
  exceptDeviceId: string | null = null,
): Promise<Buffer[]> {
  const rows = await q.query<{ token_hash: Uint8Array }>(
    `DELETE FROM userapi_devices
     WHERE localpart = $1 AND ($2::text[] IS NULL OR device_id = ANY($2::text[]))
       AND ($3::text IS NULL OR device_id <> $3)
     RETURNING token_hash`,
    [localpart, deviceIds, exceptDeviceId],
  );
  return rows.map((r) => Buffer.from(r.token_hash));
}
