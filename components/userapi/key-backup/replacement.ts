import type { BackedUpKeyData } from "../api/key-backup.js";

/**
 * The spec's rule for a session already in the backup: the upload replaces the stored key
 * only when it is better. A key verified by the uploading device beats an unverified one;
 * between equals in that, the one decrypting from an earlier message (lower
 * `first_message_index`) wins; then the one forwarded fewer times. A tie keeps what is stored,
 * so re-uploading the same key changes nothing (and leaves the etag as it was).
 */
export function replacesStoredKey(upload: BackedUpKeyData, stored: BackedUpKeyData): boolean {
  if (upload.isVerified !== stored.isVerified) return upload.isVerified;
  if (upload.firstMessageIndex !== stored.firstMessageIndex) return upload.firstMessageIndex < stored.firstMessageIndex;
  return upload.forwardedCount < stored.forwardedCount;
}
