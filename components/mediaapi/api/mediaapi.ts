import type { Readable } from "node:stream";

/** A media item named the way `mxc://<origin>/<mediaId>` names it. */
export interface MediaKey {
  readonly origin: string;
  readonly mediaId: string;
}

/** What a remote server answered for one of its media items. */
export interface RemoteMedia {
  readonly contentType: string;
  readonly filename: string | null;
  readonly body: Readable;
}

/**
 * The seam for media of other servers (`/_matrix/federation/v1/media/download`). Nothing
 * implements it yet: federation requests have not landed, so the mediaapi is built without
 * one and answers 404 M_NOT_FOUND for media whose origin is not this server. The
 * implementation will fetch (following the multipart answer and its redirect) and the
 * mediaapi will cache what it fetched in its own store.
 */
export interface RemoteMediaFetcher {
  /** The media, or null when the origin server does not have it. */
  fetch(key: MediaKey, maxBytes: number): Promise<RemoteMedia | null>;
}
