import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { Database } from "../../../components/internal/database/database.js";
import { migrate } from "../../../components/internal/database/migrations.js";
import { matrixErrorOf } from "../../../testing/matrix-errors.js";
import { uploadedMedia } from "../../../components/mediaapi/download/local-media.js";
import { LocalDirectoryStore } from "../../../components/mediaapi/files/local-directory-store.js";
import { MEDIAAPI_MIGRATIONS } from "../../../components/mediaapi/storage/migrations.js";
import {
  MAX_PENDING_PER_USER,
  UNUSED_MEDIA_LIFETIME_MS,
  Uploads,
  type UploadContent,
} from "../../../components/mediaapi/upload/uploads.js";
import { DATABASE_BACKENDS, pendingDatabaseBackends, suiteVariant } from "../../../testing/backends.js";

const SERVER = "media.test";
const ALICE = "@alice:media.test";

const content = (text: string): UploadContent => ({
  body: Readable.from([Buffer.from(text)]),
  declaredLength: null,
  contentType: "text/plain",
  filename: null,
});

/** What the clock decides about media IDs from /create: expiry and the per-user cap. */
for (const backend of DATABASE_BACKENDS) {
  describe(`mediaapi: asynchronous uploads over time [${backend.name}]`, function () {
    this.timeout(30_000);
    let db: Database;
    let drop: () => Promise<void>;
    let dir: string;
    let now = 1_000_000;
    let uploads: Uploads;

    suiteVariant(`mediaapi-uploads:${backend.name}`);
    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, "mediaapi", MEDIAAPI_MIGRATIONS);
      dir = mkdtempSync(join(tmpdir(), "dendrite-media-"));
      uploads = new Uploads(db, new LocalDirectoryStore(dir), SERVER, 1024, () => now);
    });
    after(async () => {
      await drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it("lets a media ID expire unused: its upload and its download are then 404", async () => {
      const { mediaId, unusedExpiresAt } = await uploads.create(ALICE);
      expect(unusedExpiresAt).to.equal(now + UNUSED_MEDIA_LIFETIME_MS);
      now = unusedExpiresAt;
      expect((await matrixErrorOf(uploads.uploadTo(ALICE, SERVER, mediaId, content("late")))).errcode).to.equal("M_NOT_FOUND");
      expect((await matrixErrorOf(uploadedMedia(db, SERVER, mediaId, 0, () => now))).errcode).to.equal("M_NOT_FOUND");
    });

    it("caps the media IDs one user holds without bytes; uploads and expiry free the places", async () => {
      const ids: string[] = [];
      for (let i = 0; i < MAX_PENDING_PER_USER; i++) ids.push((await uploads.create(ALICE)).mediaId);
      const refused = await matrixErrorOf(uploads.create(ALICE));
      expect([refused.status, refused.errcode]).to.deep.equal([429, "M_LIMIT_EXCEEDED"]);
      expect(refused.extra.retry_after_ms).to.be.a("number");
      await uploads.uploadTo(ALICE, SERVER, ids[0]!, content("filled"));
      await uploads.create(ALICE);
      now += UNUSED_MEDIA_LIFETIME_MS;
      for (let i = 0; i < MAX_PENDING_PER_USER; i++) await uploads.create(ALICE);
    });
  });
}
pendingDatabaseBackends("mediaapi-uploads");
