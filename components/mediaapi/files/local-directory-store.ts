import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open, rename, rm, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { FileTooLargeError, type ByteRange, type MediaStore, type StoredFile } from "./media-store.js";

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Media files in a local directory: `<base>/ab/cd/<sha256>`, written first to `<base>/tmp`
 * while hashed and counted, made durable (fsync) and then renamed into place, so a reader
 * never sees half a file and a crash leaves at most a temporary file behind. The rename
 * replaces a file of the same name, which has the same bytes: a concurrent delete of an
 * identical file cannot leave the new upload without its bytes. Several processes may share
 * the directory (a shared volume), since every step is a single atomic filesystem call.
 */
export class LocalDirectoryStore implements MediaStore {
  private readonly tmpDir: string;

  constructor(private readonly baseDir: string) {
    this.tmpDir = join(baseDir, "tmp");
  }

  async put(source: AsyncIterable<Uint8Array>, maxBytes: number): Promise<StoredFile> {
    await mkdir(this.tmpDir, { recursive: true });
    const tmp = join(this.tmpDir, randomBytes(12).toString("hex"));
    const hash = createHash("sha256");
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > maxBytes) return done(new FileTooLargeError(maxBytes));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(source, counter, createWriteStream(tmp));
      const written = await open(tmp, "r");
      try {
        await written.sync();
      } finally {
        await written.close();
      }
      const sha256 = hash.digest("hex");
      const final = this.pathOf(sha256);
      await mkdir(join(final, ".."), { recursive: true });
      await rename(tmp, final);
      return { sha256, size };
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async get(sha256: string, range?: ByteRange): Promise<Readable | null> {
    let file;
    try {
      file = await open(this.pathOf(sha256), "r");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
    return file.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async delete(sha256: string): Promise<void> {
    try {
      await unlink(this.pathOf(sha256));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }

  private pathOf(sha256: string): string {
    // The name goes into a path: only ever a hash this store computed.
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
    return join(this.baseDir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }
}
