import type { Queryable } from "../../internal/database/database.js";
import type { Profile } from "../api/userapi.js";

/** userapi_profiles: each user's profile fields as one JSON object. */
export class ProfilesTable {
  constructor(private readonly db: Queryable) {}

  async get(localpart: string): Promise<Profile> {
    const rows = await this.db.query<{ fields: Profile }>("SELECT fields FROM userapi_profiles WHERE localpart = $1", [localpart]);
    return rows[0]?.fields ?? {};
  }

  /** Locks the row (creating it empty if needed) for a read-modify-write in a transaction. */
  async getForUpdate(localpart: string): Promise<Profile> {
    await this.db.execute("INSERT INTO userapi_profiles (localpart) VALUES ($1) ON CONFLICT DO NOTHING", [localpart]);
    const rows = await this.db.query<{ fields: Profile }>("SELECT fields FROM userapi_profiles WHERE localpart = $1 FOR UPDATE", [localpart]);
    return rows[0]!.fields;
  }

  async put(localpart: string, fields: Profile): Promise<void> {
    await this.db.execute(
      `INSERT INTO userapi_profiles (localpart, fields) VALUES ($1, $2::jsonb)
       ON CONFLICT (localpart) DO UPDATE SET fields = EXCLUDED.fields`,
      [localpart, JSON.stringify(fields)],
    );
  }
}
