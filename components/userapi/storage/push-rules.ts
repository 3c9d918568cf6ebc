import type { Queryable } from "../../internal/database/database.js";
import type { StoredPushRules } from "../push-rules/ruleset.js";

/**
 * userapi_push_rules: each user's own rules and changes to the defaults, as one document
 * (its shape is push-rules/ruleset.ts's; the defaults themselves are computed, never stored).
 */

/** The user's document, or null when they never changed a rule. */
export async function selectPushRules(q: Queryable, localpart: string): Promise<StoredPushRules | null> {
  const rows = await q.query<{ rules: StoredPushRules }>("SELECT rules FROM userapi_push_rules WHERE localpart = $1", [localpart]);
  return rows[0]?.rules ?? null;
}

/**
 * Locks the user's row, creating it with `initial` if needed, for a read-modify-write: run it
 * in a transaction.
 */
export async function selectPushRulesForUpdate(q: Queryable, localpart: string, initial: StoredPushRules): Promise<StoredPushRules> {
  await q.execute("INSERT INTO userapi_push_rules (localpart, rules) VALUES ($1, $2::jsonb) ON CONFLICT DO NOTHING", [
    localpart,
    JSON.stringify(initial),
  ]);
  const rows = await q.query<{ rules: StoredPushRules }>("SELECT rules FROM userapi_push_rules WHERE localpart = $1 FOR UPDATE", [
    localpart,
  ]);
  return rows[0]!.rules;
}

/** Replaces the document of a row selectPushRulesForUpdate made sure of. */
export async function updatePushRules(q: Queryable, localpart: string, rules: StoredPushRules): Promise<void> {
  await q.execute("UPDATE userapi_push_rules SET rules = $2::jsonb WHERE localpart = $1", [localpart, JSON.stringify(rules)]);
}
