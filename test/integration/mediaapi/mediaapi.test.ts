import { expect } from "chai";
import { request } from "node:http";
import { join } from "node:path";
import { Readable } from "node:stream";
import sharp from "sharp";
import { suiteVariant, withPostgresAndNats } from "../../../testing/backends.js";
import { startMonolith, startPolylith, type Deployment, DEPLOYMENT_START_BUDGET_MS } from "../../../testing/deployment.js";
import { AUTHED, expectError, MediaClient, parseMxc } from "./media-client.js";
import { animatedGif, decompressionBombPng, filesUnder, jpegOf, pngOf } from "./media-files.js";

/**
 * The media repository over HTTP against real servers from the built CLI (`npm run build`
 * first): the monolith on the embedded database, and, with PostgreSQL and NATS, the
 * polylith with a mediaapi process behind the path-routing proxy. Uploads are limited to
 * 1 MiB here, so the limit is cheap to pass.
 */
const MAX_UPLOAD = 1024 * 1024;
const ENV = { DENDRITE_RATE_LIMIT_ENABLED: "false", DENDRITE_MEDIA_MAX_UPLOAD_BYTES: String(MAX_UPLOAD) };
const CSP =
  "sandbox; default-src 'none'; script-src 'none'; plugin-types application/pdf; style-src 'unsafe-inline'; media-src 'self'; object-src 'self';";

/** The content-addressed files (not the temporary ones) under the server's media folder. */
const storedFiles = (server: Deployment) => filesUnder(join(server.dataDir, "media")).filter((f) => !f.startsWith("tmp"));
const tempFiles = (server: Deployment) => filesUnder(join(server.dataDir, "media", "tmp"));

/** POSTs `total` bytes to /upload in chunks, without a Content-Length (chunked), as a stream from a client would. */
function streamUpload(
  server: Deployment,
  token: string,
  total: number,
  declaredLength?: number,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" };
    if (declaredLength !== undefined) headers["content-length"] = declaredLength;
    const url = new URL("/_matrix/media/v3/upload", server.baseUrl);
    const req = request(url, { method: "POST", headers }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    // The server answers (and closes) before the body ends: writes after that fail, which is
    // expected; a connection that closes with no answer at all is the failure.
    let answered = false;
    req.on("response", () => (answered = true));
    req.on("error", () => {});
    req.on("close", () => setImmediate(() => answered || reject(new Error(`the connection closed without an answer (${total} bytes)`))));
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, 7);
    const source = new Readable({
      read() {
        if (sent >= total) return this.push(null);
        const n = Math.min(chunk.length, total - sent);
        sent += n;
        this.push(chunk.subarray(0, n));
      },
    });
    source.pipe(req);
  });
}

function mediaSuite(variant: string, start: () => Promise<Deployment>): void {
  describe(`media repository over HTTP: ${variant}`, function () {
    this.timeout(60_000);
    let server: Deployment;
    let alice: MediaClient;
    let bob: MediaClient;
    suiteVariant(`mediaapi:${variant}`);
    before(async function () {
      this.timeout(DEPLOYMENT_START_BUDGET_MS);
      server = await start();
      [alice, bob] = await Promise.all([MediaClient.register(server), MediaClient.register(server)]);
    });
    after(async () => server?.stop());

    describe("config and upload", () => {
      it("announces the upload limit, to signed-in users only", async () => {
        const reply = await alice.raw("GET", `${AUTHED}/config`, { spec: "/media/config" });
        expect(reply.status).to.equal(200);
        expect(reply.json).to.deep.equal({ "m.upload.size": MAX_UPLOAD });
        expectError(await alice.raw("GET", `${AUTHED}/config`, { token: null, spec: "/media/config" }), 401, "M_MISSING_TOKEN");
      });

      it("stores an upload and serves it back to another user, byte for byte, with safe headers", async () => {
        const bytes = await pngOf(40, 30);
        const { serverName, mediaId } = await alice.upload(bytes, "image/png", "Café photo.png");
        expect(serverName).to.equal(server.serverName);
        const reply = await bob.download(serverName, mediaId);
        expect(reply.status).to.equal(200);
        expect(reply.bytes.equals(bytes)).to.equal(true);
        expect(reply.headers.get("content-type")).to.equal("image/png");
        expect(reply.headers.get("content-disposition")).to.equal("inline; filename*=utf-8''Caf%C3%A9%20photo.png");
        expect(reply.headers.get("content-security-policy")).to.equal(CSP);
        expect(reply.headers.get("x-content-type-options")).to.equal("nosniff");
        expect(reply.headers.get("cross-origin-resource-policy")).to.equal("cross-origin");
        expect(reply.headers.get("cache-control")).to.include("immutable");
        expect(reply.headers.get("access-control-allow-origin")).to.equal("*");
        expect(reply.headers.get("content-length")).to.equal(String(bytes.length));

        const named = await bob.download(serverName, mediaId, { fileName: "other name.png" });
        expect(named.bytes.equals(bytes)).to.equal(true);
        expect(named.headers.get("content-disposition")).to.equal("inline; filename*=utf-8''other%20name.png");
      });

      it("defaults the content type to application/octet-stream, served as an attachment", async () => {
        const { serverName, mediaId } = await alice.upload(Buffer.from("no type"));
        const reply = await alice.download(serverName, mediaId);
        expect(reply.headers.get("content-type")).to.equal("application/octet-stream");
        expect(reply.headers.get("content-disposition")).to.equal("attachment");
        const empty = await alice.upload(Buffer.alloc(0), "text/plain");
        const nothing = await bob.download(empty.serverName, empty.mediaId);
        expect([nothing.status, nothing.bytes.length, nothing.headers.get("content-type")]).to.deep.equal([200, 0, "text/plain"]);
      });

      it("refuses uploads without a token and with a bad content type or file name", async () => {
        expectError(
          await alice.raw("POST", "/_matrix/media/v3/upload", { body: "x", token: null, spec: "/media/v3/upload" }),
          401,
          "M_MISSING_TOKEN",
        );
        const badType = await alice.raw("POST", "/_matrix/media/v3/upload", {
          body: "x",
          headers: { "Content-Type": "nonsense" },
          spec: "/media/v3/upload",
        });
        expectError(badType, 400, "M_INVALID_PARAM");
        const longName = await alice.raw("POST", `/_matrix/media/v3/upload?filename=${"n".repeat(256)}`, {
          body: "x",
          spec: "/media/v3/upload",
        });
        expectError(longName, 400, "M_INVALID_PARAM");
      });

      it("stores identical bytes once", async () => {
        const bytes = Buffer.from(`the same bytes ${Math.random()}`);
        const before = storedFiles(server).length;
        const first = await alice.upload(bytes, "text/plain");
        const second = await bob.upload(bytes, "text/plain", "copy.txt");
        expect(first.mediaId).to.not.equal(second.mediaId);
        expect(storedFiles(server).length).to.equal(before + 1);
        expect((await bob.download(first.serverName, first.mediaId)).bytes.equals(bytes)).to.equal(true);
        expect((await alice.download(second.serverName, second.mediaId)).bytes.equals(bytes)).to.equal(true);
      });

      it("refuses an upload over the limit with 413 M_TOO_LARGE, keeping nothing", async () => {
        const before = storedFiles(server).length;
        const declared = await streamUpload(server, alice.accessToken, MAX_UPLOAD + 1, MAX_UPLOAD + 1);
        expect(declared.status).to.equal(413);
        expect(JSON.parse(declared.body).errcode).to.equal("M_TOO_LARGE");
        // Without a Content-Length, the limit is found while the bytes arrive.
        const streamed = await streamUpload(server, alice.accessToken, 3 * MAX_UPLOAD);
        expect(streamed.status).to.equal(413);
        expect(JSON.parse(streamed.body).errcode).to.equal("M_TOO_LARGE");
        expect(storedFiles(server).length).to.equal(before);
        expect(tempFiles(server)).to.deep.equal([]);
        // Exactly at the limit is accepted.
        const atLimit = await streamUpload(server, alice.accessToken, MAX_UPLOAD);
        expect(atLimit.status, atLimit.body).to.equal(200);
      });
    });

    describe("asynchronous upload", () => {
      it("creates a media ID that only its creator may fill, once", async () => {
        const created = await alice.raw("POST", "/_matrix/media/v1/create", { spec: "/media/v1/create" });
        expect(created.status).to.equal(200);
        expect(created.json.unused_expires_at).to.be.greaterThan(Date.now());
        const { serverName, mediaId } = parseMxc(created.json.content_uri as string);
        const path = `/_matrix/media/v3/upload/${serverName}/${mediaId}`;
        const spec = "/media/v3/upload/{serverName}/{mediaId}";

        const early = await bob.raw("GET", `${AUTHED}/download/${serverName}/${mediaId}?timeout_ms=0`, {
          spec: "/media/download/{serverName}/{mediaId}",
        });
        expectError(early, 504, "M_NOT_YET_UPLOADED");
        expectError(await bob.raw("PUT", path, { body: "not yours", spec }), 403, "M_FORBIDDEN");
        const put = await alice.raw("PUT", `${path}?filename=later.txt`, {
          body: "arrived later",
          headers: { "Content-Type": "text/plain" },
          spec,
        });
        expect(put.status, JSON.stringify(put.json)).to.equal(200);
        expect(put.json).to.deep.equal({});
        expectError(await alice.raw("PUT", path, { body: "again", spec }), 409, "M_CANNOT_OVERWRITE_MEDIA");

        const reply = await bob.download(serverName, mediaId);
        expect(reply.bytes.toString()).to.equal("arrived later");
        expect(reply.headers.get("content-disposition")).to.equal("inline; filename*=utf-8''later.txt");
      });

      it("answers 404 for a media ID nobody created, and for another server's", async () => {
        const spec = "/media/v3/upload/{serverName}/{mediaId}";
        expectError(
          await alice.raw("PUT", `/_matrix/media/v3/upload/${server.serverName}/neverCreated`, { body: "x", spec }),
          404,
          "M_NOT_FOUND",
        );
        const created = parseMxc((await alice.raw("POST", "/_matrix/media/v1/create")).json.content_uri as string);
        expectError(
          await alice.raw("PUT", `/_matrix/media/v3/upload/other.example/${created.mediaId}`, { body: "x", spec }),
          404,
          "M_NOT_FOUND",
        );
      });
    });

    describe("download", () => {
      it("serves HTML uploaded as an image as that image type, never sniffed, sandboxed", async () => {
        const html = "<html><script>alert(document.cookie)</script></html>";
        const asPng = await alice.upload(html, "image/png", "evil.png");
        const reply = await bob.download(asPng.serverName, asPng.mediaId);
        expect(reply.headers.get("content-type")).to.equal("image/png");
        expect(reply.headers.get("x-content-type-options")).to.equal("nosniff");
        expect(reply.headers.get("content-security-policy")).to.equal(CSP);

        const asHtml = await alice.upload(html, "text/html", "evil.html");
        const page = await bob.download(asHtml.serverName, asHtml.mediaId);
        expect(page.headers.get("content-type")).to.equal("text/html");
        expect(page.headers.get("content-disposition")).to.equal("attachment; filename*=utf-8''evil.html");
        expect(page.headers.get("content-security-policy")).to.equal(CSP);

        const svg = await alice.upload("<svg xmlns='http://www.w3.org/2000/svg'><script>1</script></svg>", "image/svg+xml", "x.svg");
        expect((await bob.download(svg.serverName, svg.mediaId)).headers.get("content-disposition")).to.match(/^attachment/);
      });

      it("serves ranges: 206 with Content-Range, and 416 past the end", async () => {
        const { serverName, mediaId } = await alice.upload("0123456789", "text/plain");
        const middle = await bob.download(serverName, mediaId, { headers: { Range: "bytes=2-5" } });
        expect(middle.status).to.equal(206);
        expect(middle.bytes.toString()).to.equal("2345");
        expect(middle.headers.get("content-range")).to.equal("bytes 2-5/10");
        const suffix = await bob.download(serverName, mediaId, { headers: { Range: "bytes=-3" } });
        expect([suffix.status, suffix.bytes.toString()]).to.deep.equal([206, "789"]);
        const open = await bob.download(serverName, mediaId, { headers: { Range: "bytes=7-" } });
        expect([open.status, open.bytes.toString(), open.headers.get("content-range")]).to.deep.equal([206, "789", "bytes 7-9/10"]);
        const past = await bob.raw("GET", `${AUTHED}/download/${serverName}/${mediaId}`, { headers: { Range: "bytes=10-" } });
        expect(past.status).to.equal(416);
        expect(past.headers.get("content-range")).to.equal("bytes */10");
        const head = await bob.raw("HEAD", `${AUTHED}/download/${serverName}/${mediaId}`);
        expect([head.status, head.headers.get("content-length"), head.bytes.length]).to.deep.equal([200, "10", 0]);
      });

      it("requires a token, and answers 404 for unknown media, other servers' media and malformed IDs", async () => {
        const { serverName, mediaId } = await alice.upload("secret", "text/plain");
        expectError(await bob.download(serverName, mediaId, { token: null }), 401, "M_MISSING_TOKEN");
        expectError(await bob.download(serverName, mediaId, { token: "notAToken" }), 401, "M_UNKNOWN_TOKEN");
        expectError(await bob.download(serverName, "unknownMediaId"), 404, "M_NOT_FOUND");
        expectError(await bob.download("other.example", mediaId), 404, "M_NOT_FOUND");
        expectError(await bob.download(serverName, "bad.id"), 404, "M_NOT_FOUND");
      });

      it("keeps the legacy unauthenticated endpoints frozen: 404 M_NOT_FOUND even for existing media", async () => {
        const { serverName, mediaId } = await alice.upload("legacy", "text/plain");
        for (const path of [
          `/_matrix/media/v3/download/${serverName}/${mediaId}`,
          `/_matrix/media/v3/download/${serverName}/${mediaId}/name.txt`,
          `/_matrix/media/v3/thumbnail/${serverName}/${mediaId}?width=32&height=32`,
        ]) {
          expectError(await alice.raw("GET", path, { token: null }), 404, "M_NOT_FOUND");
          expectError(await alice.raw("GET", path), 404, "M_NOT_FOUND");
        }
      });
    });

    describe("admin", () => {
      const adminPath = (m: { serverName: string; mediaId: string }) => `/_synapse/admin/v1/media/${m.serverName}/${m.mediaId}`;
      let admin: MediaClient;
      before(async () => {
        admin = new MediaClient(server.baseUrl);
        const session = await admin.login("operator", server.cliAccounts.operator!);
        admin.accessToken = session.accessToken;
      });

      it("lets only an admin delete media; its file goes unless other media holds the same bytes", async () => {
        const unique = await alice.upload(await pngOf(64, 48), "image/png");
        expect((await bob.thumbnail(unique.serverName, unique.mediaId, { width: "32", height: "32", method: "crop" })).status).to.equal(
          200,
        );
        const sharedBytes = Buffer.from(`shared ${Math.random()}`);
        const shared = await alice.upload(sharedBytes, "text/plain");
        const twin = await bob.upload(sharedBytes, "text/plain");

        expectError(await alice.raw("DELETE", adminPath(unique)), 403, "M_FORBIDDEN");
        expectError(await alice.raw("DELETE", adminPath(unique), { token: null }), 401, "M_MISSING_TOKEN");
        expect((await bob.download(unique.serverName, unique.mediaId)).status).to.equal(200);

        const before = storedFiles(server).length;
        const deleted = await admin.raw("DELETE", adminPath(unique));
        expect(deleted.status, JSON.stringify(deleted.json)).to.equal(200);
        expect(deleted.json).to.deep.equal({ deleted_media: [unique.mediaId], total: 1 });
        // The image and its thumbnail.
        expect(storedFiles(server).length).to.equal(before - 2);
        expectError(await bob.download(unique.serverName, unique.mediaId), 404, "M_NOT_FOUND");
        expectError(
          await bob.thumbnail(unique.serverName, unique.mediaId, { width: "32", height: "32", method: "crop" }),
          404,
          "M_NOT_FOUND",
        );
        expectError(await admin.raw("DELETE", adminPath(unique)), 404, "M_NOT_FOUND");

        expect((await admin.raw("DELETE", adminPath(shared))).status).to.equal(200);
        expect(storedFiles(server).length).to.equal(before - 2);
        expect((await alice.download(twin.serverName, twin.mediaId)).bytes.equals(sharedBytes)).to.equal(true);
      });
    });

    describe("thumbnails", () => {
      let image: { serverName: string; mediaId: string };
      before(async () => {
        image = await alice.upload(await pngOf(1000, 800), "image/png", "big.png");
      });

      it("crops to the nearest recommended size at least as large as asked", async () => {
        const reply = await bob.thumbnail(image.serverName, image.mediaId, { width: "30", height: "30", method: "crop" });
        expect(reply.status, JSON.stringify(reply.json)).to.equal(200);
        expect(reply.headers.get("content-type")).to.equal("image/png");
        expect(reply.headers.get("x-content-type-options")).to.equal("nosniff");
        const meta = await sharp(reply.bytes).metadata();
        expect([meta.width, meta.height]).to.deep.equal([32, 32]);
      });

      it("scales within the nearest recommended size, keeping the aspect ratio, and stores it once", async () => {
        const first = await bob.thumbnail(image.serverName, image.mediaId, { width: "300", height: "200", method: "scale" });
        expect(first.status).to.equal(200);
        const meta = await sharp(first.bytes).metadata();
        expect([meta.width, meta.height]).to.deep.equal([300, 240]);
        const before = storedFiles(server).length;
        const again = await alice.thumbnail(image.serverName, image.mediaId, { width: "320", height: "240" });
        expect(again.bytes.equals(first.bytes)).to.equal(true);
        expect(again.headers.get("etag")).to.equal(first.headers.get("etag"));
        expect(storedFiles(server).length).to.equal(before);
      });

      it("keeps a JPEG a JPEG and never enlarges a small image when scaling", async () => {
        const small = await alice.upload(await jpegOf(50, 40), "image/jpeg");
        const reply = await bob.thumbnail(small.serverName, small.mediaId, { width: "640", height: "480", method: "scale" });
        expect(reply.headers.get("content-type")).to.equal("image/jpeg");
        const meta = await sharp(reply.bytes).metadata();
        expect([meta.format, meta.width, meta.height]).to.deep.equal(["jpeg", 50, 40]);
      });

      it("keeps an animation only when asked, as animated WebP", async () => {
        const gif = await alice.upload(await animatedGif(200, 150, 3), "image/gif", "moving.gif");
        const moving = await bob.thumbnail(gif.serverName, gif.mediaId, { width: "96", height: "96", method: "crop", animated: "true" });
        expect(moving.headers.get("content-type")).to.equal("image/webp");
        const movingMeta = await sharp(moving.bytes, { animated: true }).metadata();
        expect([movingMeta.format, movingMeta.pages, movingMeta.width, movingMeta.pageHeight]).to.deep.equal(["webp", 3, 96, 96]);
        const still = await bob.thumbnail(gif.serverName, gif.mediaId, { width: "96", height: "96", method: "crop" });
        expect(still.headers.get("content-type")).to.equal("image/png");
        expect((await sharp(still.bytes, { animated: true }).metadata()).pages ?? 1).to.equal(1);
        // A JPEG cannot move: asked for an animation, it gets the still thumbnail.
        const jpeg = await alice.upload(await jpegOf(100, 100), "image/jpeg");
        const stillJpeg = await bob.thumbnail(jpeg.serverName, jpeg.mediaId, {
          width: "32",
          height: "32",
          method: "crop",
          animated: "true",
        });
        expect(stillJpeg.headers.get("content-type")).to.equal("image/jpeg");
      });

      it("refuses bad parameters and media that is not an image", async () => {
        expectError(await bob.thumbnail(image.serverName, image.mediaId, { height: "32" }), 400, "M_MISSING_PARAM");
        expectError(await bob.thumbnail(image.serverName, image.mediaId, { width: "-3", height: "32" }), 400, "M_INVALID_PARAM");
        expectError(
          await bob.thumbnail(image.serverName, image.mediaId, { width: "32", height: "32", method: "stretch" }),
          400,
          "M_INVALID_PARAM",
        );
        expectError(
          await bob.thumbnail(image.serverName, image.mediaId, { width: "32", height: "32", animated: "maybe" }),
          400,
          "M_INVALID_PARAM",
        );
        const text = await alice.upload("just text", "text/plain");
        expectError(await bob.thumbnail(text.serverName, text.mediaId, { width: "32", height: "32" }), 400, "M_UNKNOWN");
        expectError(await bob.thumbnail(image.serverName, "unknownMediaId", { width: "32", height: "32" }), 404, "M_NOT_FOUND");
      });

      it("refuses a decompression bomb without decoding it, and stays up", async () => {
        const bomb = decompressionBombPng();
        expect(bomb.length).to.be.lessThan(MAX_UPLOAD);
        const uploaded = await alice.upload(bomb, "image/png", "bomb.png");
        const reply = await bob.thumbnail(uploaded.serverName, uploaded.mediaId, { width: "96", height: "96", method: "crop" });
        expectError(reply, 413, "M_TOO_LARGE");
        expect(reply.json.error).to.match(/pixels/);
        // Still serving, thumbnails included.
        expect((await bob.thumbnail(image.serverName, image.mediaId, { width: "96", height: "96", method: "crop" })).status).to.equal(200);
      });

      it("answers a truncated JPEG with a clear error, and stays up", async () => {
        const jpeg = await jpegOf(400, 300);
        const truncated = jpeg.subarray(0, Math.floor(jpeg.length / 2));
        const uploaded = await alice.upload(truncated, "image/jpeg", "cut.jpg");
        const reply = await bob.thumbnail(uploaded.serverName, uploaded.mediaId, { width: "96", height: "96", method: "crop" });
        expectError(reply, 400, "M_UNKNOWN");
        expect(reply.json.error).to.match(/could not be decoded/);
        expect((await alice.raw("GET", `${AUTHED}/config`)).status).to.equal(200);
      });
    });
  });
}

mediaSuite("monolith", () => startMonolith(ENV));
withPostgresAndNats("mediaapi:polylith", () => mediaSuite("polylith", () => startPolylith(ENV, { mediaapi: true })));
