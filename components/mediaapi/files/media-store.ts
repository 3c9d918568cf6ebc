import type { Readable } from "node:stream";

/** Bytes as the store holds them: named by their SHA-256 (hex), so identical bytes are stored once. */
export interface StoredFile {
  readonly sha256: string;
  readonly size: number;
}

/** An inclusive byte range, as HTTP's Range header names one. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** The source sent more than the store was told to accept; nothing was kept. */
export class FileTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`more than ${limit} bytes`);
    this.name = "FileTooLargeError";
  }
}

/**
 * Where media bytes live, content-addressed. The local directory (local-directory-store.ts)
 * is the one implementation today; an S3-compatible one would implement the same three calls.
 */
export interface MediaStore {
  /**
   * Stores what `source` yields, streamed (never held in memory), and names it by its hash.
   * Throws FileTooLargeError as soon as more than `maxBytes` arrived, keeping nothing.
   */
  put(source: AsyncIterable<Uint8Array>, maxBytes: number): Promise<StoredFile>;
  /** The bytes (or a range of them), or null when the store has no such file. */
  get(sha256: string, range?: ByteRange): Promise<Readable | null>;
  /** Removes a file; callers check first that no media item or thumbnail names it. */
  delete(sha256: string): Promise<void>;
}
