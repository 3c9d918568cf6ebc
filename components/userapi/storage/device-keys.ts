import type { Queryable } from "../../internal/database/database.js";

/** userapi_device_keys: each device's signed identity keys, as canonical JSON text. */

export interface DeviceKeysRow {
  localpart: string;
  device_id: string;
  key_json: string;
  display_name: string | null;
}

export async function selectDeviceKeyJson(q: Queryable, localpart: string, deviceId: string): Promise<string | null> {
  const rows = await q.query<{ key_json: string }>("SELECT key_json FROM userapi_device_keys WHERE localpart = $1 AND device_id = $2", [
    localpart,
    deviceId,
  ]);
  return rows[0]?.key_json ?? null;
}

export async function upsertDeviceKeys(q: Queryable, localpart: string, deviceId: string, keyJson: string): Promise<void> {
  await q.execute(
    `INSERT INTO userapi_device_keys (localpart, device_id, key_json) VALUES ($1, $2, $3)
     ON CONFLICT (localpart, device_id) DO UPDATE SET key_json = EXCLUDED.key_json`,
    [localpart, deviceId, keyJson],
  );
}

/** The device keys of the users, with each device's display name. */
export async function selectDeviceKeysOfUsers(q: Queryable, localparts: readonly string[]): Promise<DeviceKeysRow[]> {
  if (localparts.length === 0) return [];
  return q.query<DeviceKeysRow & Record<string, unknown>>(
    `SELECT k.localpart, k.device_id, k.key_json, d.display_name FROM userapi_device_keys k
     JOIN userapi_devices d ON d.localpart = k.localpart AND d.device_id = k.device_id
     WHERE k.localpart = ANY($1::text[])`,
    [localparts],
  );
}
