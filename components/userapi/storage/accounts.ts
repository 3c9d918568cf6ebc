import type { Queryable } from "../../internal/database/database.js";
import type { AccountType } from "../api/userapi.js";

/** userapi_accounts: one row per local user, kept after deactivation so the ID stays taken. */

export interface AccountRow {
  localpart: string;
  password_hash: string | null;
  account_type: AccountType;
  created_ts: number;
  deactivated: boolean;
}

/** False when the localpart is taken. */
export async function insertAccount(
  q: Queryable,
  localpart: string,
  passwordHash: string | null,
  accountType: AccountType,
  createdTs: number,
): Promise<boolean> {
  const inserted = await q.execute(
    `INSERT INTO userapi_accounts (localpart, password_hash, account_type, created_ts)
     VALUES ($1, $2, $3, $4) ON CONFLICT (localpart) DO NOTHING`,
    [localpart, passwordHash, accountType, createdTs],
  );
  return inserted === 1;
}

export async function selectAccount(q: Queryable, localpart: string): Promise<AccountRow | null> {
  const rows = await q.query<AccountRow & Record<string, unknown>>(
    "SELECT localpart, password_hash, account_type, created_ts, deactivated FROM userapi_accounts WHERE localpart = $1",
    [localpart],
  );
  return rows[0] ?? null;
}

/** Those of the localparts that are guest accounts. */
export async function selectGuestsAmong(q: Queryable, localparts: readonly string[]): Promise<string[]> {
  if (localparts.length === 0) return [];
  const rows = await q.query<{ localpart: string }>(
    "SELECT localpart FROM userapi_accounts WHERE localpart = ANY($1) AND account_type = 'guest'",
    [localparts],
  );
  return rows.map((r) => r.localpart);
}

/** Those of the localparts that are admin accounts (deactivated ones hold no tokens, so they never ask). */
export async function selectAdminsAmong(q: Queryable, localparts: readonly string[]): Promise<string[]> {
  if (localparts.length === 0) return [];
  const rows = await q.query<{ localpart: string }>(
    "SELECT localpart FROM userapi_accounts WHERE localpart = ANY($1) AND account_type = 'admin'",
    [localparts],
  );
  return rows.map((r) => r.localpart);
}

/** A guest becomes a user with the password; false when the localpart is no guest. */
export async function upgradeGuestAccount(q: Queryable, localpart: string, passwordHash: string): Promise<boolean> {
  const changed = await q.execute(
    "UPDATE userapi_accounts SET account_type = 'user', password_hash = $2 WHERE localpart = $1 AND account_type = 'guest' AND NOT deactivated",
    [localpart, passwordHash],
  );
  return changed === 1;
}

export async function accountExists(q: Queryable, localpart: string): Promise<boolean> {
  return (await q.query("SELECT 1 FROM userapi_accounts WHERE localpart = $1", [localpart])).length > 0;
}

/** The next number of the sequence that names guests and registrations without a username. */
export async function nextGeneratedLocalpart(q: Queryable): Promise<string> {
  const [row] = await q.query<{ n: number }>("SELECT nextval('userapi_generated_localpart_seq') AS n");
  return String(row!.n);
}

/** False when there is no such account. */
export async function updatePasswordHash(q: Queryable, localpart: string, hash: string | null): Promise<boolean> {
  return (await q.execute("UPDATE userapi_accounts SET password_hash = $2 WHERE localpart = $1", [localpart, hash])) === 1;
}

export async function markAccountDeactivated(q: Queryable, localpart: string): Promise<void> {
  await q.execute("UPDATE userapi_accounts SET deactivated = true, password_hash = NULL WHERE localpart = $1", [localpart]);
}
