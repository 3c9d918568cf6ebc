import type { Queryable } from "../../internal/database/database.js";

/** userapi_key_signatures: signatures uploaded for device and cross-signing keys. */

export interface KeySignatureRow {
  origin_user_id: string;
  origin_key_id: string;
  target_user_id: string;
  target_key_id: string;
  signature: string;
}

export async function upsertKeySignatures(q: Queryable, rows: readonly KeySignatureRow[]): Promise<void> {
  if (rows.length === 0) return;
  await q.execute(
    `INSERT INTO userapi_key_signatures (origin_user_id, origin_key_id, target_user_id, target_key_id, signature)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
     ON CONFLICT (target_user_id, target_key_id, origin_user_id, origin_key_id) DO UPDATE SET signature = EXCLUDED.signature`,
    [
      rows.map((r) => r.origin_user_id),
      rows.map((r) => r.origin_key_id),
      rows.map((r) => r.target_user_id),
      rows.map((r) => r.target_key_id),
      rows.map((r) => r.signature),
    ],
  );
}

/**
 * Signatures on the targets' keys that `viewer` may see: those the targets made themselves,
 * and those `viewer` made (a user-signing key's signatures are for its owner's eyes).
 */
export async function selectKeySignatures(
  q: Queryable,
  targetUserIds: readonly string[],
  viewer: string | null,
): Promise<KeySignatureRow[]> {
  if (targetUserIds.length === 0) return [];
  return q.query<KeySignatureRow & Record<string, unknown>>(
    `SELECT origin_user_id, origin_key_id, target_user_id, target_key_id, signature FROM userapi_key_signatures
     WHERE target_user_id = ANY($1::text[]) AND (origin_user_id = target_user_id OR origin_user_id = $2)`,
    [targetUserIds, viewer],
  );
}

/** Forgets the signatures on a device's keys (its ID gets new keys). */
export async function deleteSignaturesOfTarget(q: Queryable, targetUserId: string, targetKeyId: string): Promise<void> {
  await q.execute("DELETE FROM userapi_key_signatures WHERE target_user_id = $1 AND target_key_id = $2", [targetUserId, targetKeyId]);
}
