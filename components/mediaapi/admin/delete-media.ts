import type { Database } from "../../internal/database/database.js";
import type { MediaStore } from "../files/media-store.js";
import { deleteMedia, mediaUsesFile } from "../storage/media.js";
import { deleteThumbnails, thumbnailsUseFile } from "../storage/thumbnails.js";

/**
 * Removes a media item and its thumbnails; their files go too unless another media item or
 * thumbnail names the same bytes (the store holds identical bytes once). The rows go in one
 * transaction first, the files after it commits, so a failure leaves at worst a file no row
 * names, never a row without its file. False when there is no such media.
 *
 * Left open: an upload of the very same bytes racing with the deletion (between this
 * check and its unlink) could lose its file; an operator deleting media is rare, and a
 * periodic sweep of unnamed files is the place to make deletion exact.
 */
export async function deleteMediaItem(db: Database, store: MediaStore, origin: string, mediaId: string): Promise<boolean> {
  const removed = await db.transaction(async (tx) => {
    const media = await deleteMedia(tx, origin, mediaId);
    if (!media) return null;
    const thumbnails = await deleteThumbnails(tx, origin, mediaId);
    return [media.sha256, ...thumbnails.map((t) => t.sha256)].filter((h): h is string => h !== null);
  });
  if (removed === null) return false;
  for (const sha256 of new Set(removed)) {
    if ((await mediaUsesFile(db, sha256)) || (await thumbnailsUseFile(db, sha256))) continue;
    await store.delete(sha256);
  }
  return true;
}
