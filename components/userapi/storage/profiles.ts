import type { Queryable } from "../../internal/database/database.js";

/** userapi_profiles: each user's profile fields as one JSON object. */

export type ProfileFields = Record<string, unknown>;

/** The user's fields; {} when none were ever set. */
export async function selectProfile(q: Queryable, localpart: string): Promise<ProfileFields> {
  const rows = await q.query<{ fields: ProfileFields }>("SELECT fields FROM userapi_profiles WHERE localpart = $1", [localpart]);
  return rows[0]?.fields ?? {};
}

/** Locks the row (creating it empty if needed) for a read-modify-write: run it in a transaction. */
export async function selectProfileForUpdate(q: Queryable, localpart: string): Promise<ProfileFields> {
  await q.execute("INSERT INTO userapi_profiles (localpart) VALUES ($1) ON CONFLICT DO NOTHING", [localpart]);
  const rows = await q.query<{ fields: ProfileFields }>("SELECT fields FROM userapi_profiles WHERE localpart = $1 FOR UPDATE", [localpart]);
  return rows[0]!.fields;
}

export async function upsertProfile(q: Queryable, localpart: string, fields: ProfileFields): Promise<void> {
  await q.execute(
    `INSERT INTO userapi_profiles (localpart, fields) VALUES ($1, $2::jsonb)
     ON CONFLICT (localpart) DO UPDATE SET fields = EXCLUDED.fields`,
    [localpart, JSON.stringify(fields)],
  );
}
