import { createHash } from "node:crypto";
import { badJson } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import { encodeCanonicalJson } from "../../protocol/index.js";
import type { CrossSigningUpload } from "../../userapi/api/keys.js";
import { PASSWORD_FLOWS } from "../auth/interactive-auth.js";
import { optional } from "../validation/checks.js";
import type { RouteDeps } from "./deps.js";

type Json = Record<string, unknown>;

const FAILURE_ERRCODES = { INVALID_SIGNATURE: "M_INVALID_SIGNATURE", NOT_FOUND: "M_NOT_FOUND", INVALID_PARAM: "M_INVALID_PARAM" } as const;

/**
 * POST /keys/device_signing/upload and /keys/signatures/upload: cross-signing keys and the
 * signatures made with them, checked and kept by the userapi.
 */
export function addCrossSigningRoutes(routes: TypedRoutes, deps: RouteDeps): void {
  const keys = () => deps.userApi().keys;

  // The first keys go up without a password, and so does the same set again (a retry whose
  // answer was lost); replacing keys needs the password (spec: device_signing/upload).
  routes.post("/_matrix/client/v3/keys/device_signing/upload", { access: "user", middleware: [deps.limits.write] }, async (request) => {
    const { ctx, user, body } = request;
    const upload: CrossSigningUpload = {
      master: optional(body, "master_key", "object"),
      self_signing: optional(body, "self_signing_key", "object"),
      user_signing: optional(body, "user_signing_key", "object"),
    };
    if (!(await keys().uploadCrossSigningKeys(user.userId, upload, false)).stored) {
      // The session is good for exactly these keys.
      const digest = createHash("sha256").update(encodeCanonicalJson(upload)).digest("base64");
      await deps.interactiveAuth.authorise(request, { operation: `device_signing_upload ${digest}`, flows: PASSWORD_FLOWS, user }, () =>
        keys().uploadCrossSigningKeys(user.userId, upload, true),
      );
    }
    ctx.body = {};
  });

  routes.post(
    "/_matrix/client/v3/keys/signatures/upload",
    { access: "user", middleware: [deps.limits.write] },
    async ({ ctx, user, body }) => {
      for (const [userId, byKey] of Object.entries(body)) {
        if (byKey === null || typeof byKey !== "object" || Array.isArray(byKey))
          throw badJson(`${userId} must map key IDs to signed objects`);
      }
      const signed = body as Record<string, Json>;
      const failures: Record<string, Record<string, Json>> = {};
      for (const f of await keys().uploadSignatures(user.userId, signed)) {
        (failures[f.userId] ??= {})[f.keyId] = { errcode: FAILURE_ERRCODES[f.code], error: f.message };
      }
      ctx.body = { failures };
    },
  );
}
