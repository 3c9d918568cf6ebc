import type { Queryable } from "../../internal/database/database.js";
import { EMPTY_PUSH_RULES, type StoredPushRules } from "../push-rules/ruleset.js";

/** userapi_push_rules: each user's own rules and changes to the defaults, as one document. */
export class PushRulesTable {
  constructor(private readonly db: Queryable) {}

  async get(localpart: string): Promise<StoredPushRules> {
    const rows = await this.db.query<{ rules: StoredPushRules }>("SELECT rules FROM userapi_push_rules WHERE localpart = $1", [localpart]);
    return rows[0]?.rules ?? EMPTY_PUSH_RULES;
  }

  /** Locks the user's row (creating it if needed) for a read-modify-write in a transaction. */
  async getForUpdate(localpart: string): Promise<StoredPushRules> {
    await this.db.execute("INSERT INTO userapi_push_rules (localpart, rules) VALUES ($1, $2::jsonb) ON CONFLICT DO NOTHING", [
      localpart,
      JSON.stringify(EMPTY_PUSH_RULES),
    ]);
    const rows = await this.db.query<{ rules: StoredPushRules }>("SELECT rules FROM userapi_push_rules WHERE localpart = $1 FOR UPDATE", [
      localpart,
    ]);
    return rows[0]!.rules;
  }

  async put(localpart: string, rules: StoredPushRules): Promise<void> {
    await this.db.execute("UPDATE userapi_push_rules SET rules = $2::jsonb WHERE localpart = $1", [localpart, JSON.stringify(rules)]);
  }
}
