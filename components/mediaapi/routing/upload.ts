import type Koa from "koa";
import { invalidParam } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import type { UploadContent } from "../upload/uploads.js";
import type { MediaRouteDeps } from "./deps.js";

const MAX_FILENAME_CHARS = 255;
/** A media type as RFC 9110 writes one, parameters included; nothing that could break a header. */
const CONTENT_TYPE = /^[\x21-\x7e]+\/[\x21-\x7e]+( *;[\x20-\x7e]*)?$/;

/** POST /upload, POST /create and PUT /upload/{serverName}/{mediaId}. */
export function addUploadRoutes(routes: TypedRoutes, deps: MediaRouteDeps): void {
  const raw = { rawBody: true };
  routes.post("/_matrix/media/v3/upload", { access: "user", middleware: [deps.writeLimit], options: raw }, async ({ ctx, user }) => {
    const mediaId = await closingOnRefusal(ctx, () => deps.uploads.upload(user.userId, uploadContent(ctx)));
    ctx.body = { content_uri: `mxc://${deps.serverName}/${mediaId}` };
  });

  routes.post("/_matrix/media/v1/create", { access: "user", middleware: [deps.writeLimit] }, async ({ ctx, user }) => {
    const { mediaId, unusedExpiresAt } = await deps.uploads.create(user.userId);
    ctx.body = { content_uri: `mxc://${deps.serverName}/${mediaId}`, unused_expires_at: unusedExpiresAt };
  });

  routes.put(
    "/_matrix/media/v3/upload/{serverName}/{mediaId}",
    { access: "user", middleware: [deps.writeLimit], options: raw },
    async ({ ctx, user, params }) => {
      await closingOnRefusal(ctx, () => deps.uploads.uploadTo(user.userId, params.serverName, params.mediaId, uploadContent(ctx)));
      ctx.body = {};
    },
  );
}

/** The request as an upload: its body streamed, its declared length, type and file name checked. */
function uploadContent(ctx: Koa.Context): UploadContent {
  const contentType = ctx.get("Content-Type") || "application/octet-stream";
  if (contentType.length > 255 || !CONTENT_TYPE.test(contentType)) throw invalidParam("Content-Type is not a media type");
  const filename = ctx.query.filename;
  if (Array.isArray(filename)) throw invalidParam("filename may be given once");
  if (filename !== undefined && [...filename].length > MAX_FILENAME_CHARS)
    throw invalidParam(`filename is longer than ${MAX_FILENAME_CHARS} characters`);
  const lengthHeader = ctx.get("Content-Length");
  const declaredLength = lengthHeader === "" ? null : Number(lengthHeader);
  // Read without destroying the request when reading stops early (an upload refused half-way):
  // destroying it would close the socket before the 413 is sent.
  return { body: ctx.req.iterator({ destroyOnReturn: false }), declaredLength, contentType, filename: filename || null };
}

/** How long the rest of a refused upload's body is read (and dropped) after the answer. */
const LINGER_MS = 5_000;

/**
 * A refused upload's body is not read to its end by the handler. Closing the connection at
 * once would make the kernel reset it with the client's bytes unread, and a client still
 * sending may then lose the 413 it was sent. So, as web servers do ("lingering close"), node
 * reads on and drops the rest (its default for an unread body), for a bounded time, after
 * which the connection is cut.
 */
async function closingOnRefusal<T>(ctx: Koa.Context, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!ctx.req.complete) {
      ctx.res.once("finish", () => {
        const cut = setTimeout(() => ctx.req.destroy(), LINGER_MS).unref();
        ctx.req.once("end", () => clearTimeout(cut));
        ctx.req.once("close", () => clearTimeout(cut));
        // Node drops an unread body itself, but not one the handler started reading.
        ctx.req.resume();
      });
    }
    throw err;
  }
}
