import { expect } from "chai";
import type Koa from "koa";
import type { AuthenticatedUser } from "../../../components/internal/http/auth.js";
import { matrixErrorOf } from "../../../testing/matrix-errors.js";
import { Router } from "../../../components/internal/http/router.js";
import { TypedRoutes, type PathParams } from "../../../components/internal/http/typed-routes.js";

const alice: AuthenticatedUser = { userId: "@alice:test", deviceId: "A", isGuest: false };
const guest: AuthenticatedUser = { userId: "@1:test", deviceId: "G", isGuest: true };
const tokens = new Map([
  ["alice-token", alice],
  ["guest-token", guest],
]);

/** Runs a request through the router as the HTTP app would, with the state its middleware sets. */
async function call(router: Router, method: string, path: string, accessToken: string | null) {
  const match = router.match(method, path);
  const ctx = { state: { params: match.params, body: { n: 1 }, accessToken, log: null } } as unknown as Koa.Context;
  await match.handler(ctx);
  return ctx;
}

describe("typed routes", () => {
  // Checked by the type checker: a template's parameter names are the keys handlers get.
  const names: PathParams<"/rooms/{roomId}/state/{eventType}/{stateKey}">[] = ["roomId", "eventType", "stateKey"];
  void names;

  function routes() {
    const seen: string[] = [];
    const typed = new TypedRoutes(new Router(), {
      lookupToken: async (token) => tokens.get(token) ?? null,
      around: [async (_ctx, next) => (seen.push("around"), next())],
    });
    typed.get("/rooms/{roomId}/members", { access: "guest" }, ({ ctx, user, params }) => {
      ctx.body = { user: user.userId, room: params.roomId };
    });
    typed.put(
      "/rooms/{roomId}/send/{txnId}",
      {
        access: "user",
        middleware: [async (ctx, next) => (seen.push(`limit ${(ctx.state as { user?: AuthenticatedUser }).user?.userId}`), next())],
      },
      ({ ctx, body, params }) => {
        ctx.body = { body, txn: params.txnId };
      },
    );
    typed.get("/versions", { access: "public" }, ({ ctx, user }) => {
      ctx.body = { user: user ?? null };
    });
    return { router: typed.router, seen };
  }

  it("hands handlers the requester and the path's parameters by name", async () => {
    const { router } = routes();
    expect((await call(router, "GET", "/rooms/!r:test/members", "alice-token")).body).to.deep.equal({
      user: alice.userId,
      room: "!r:test",
    });
    expect((await call(router, "GET", "/rooms/!r:test/members", "guest-token")).body).to.deep.equal({
      user: guest.userId,
      room: "!r:test",
    });
  });

  it("runs the group's middleware, then authentication, then the route's middleware", async () => {
    const { router, seen } = routes();
    const ctx = await call(router, "PUT", "/rooms/!r:test/send/t1", "alice-token");
    expect(ctx.body).to.deep.equal({ body: { n: 1 }, txn: "t1" });
    expect(seen).to.deep.equal(["around", `limit ${alice.userId}`]);
  });

  it("refuses a missing token, an unknown token, and a guest where guests may not go", async () => {
    const { router } = routes();
    expect((await matrixErrorOf(call(router, "PUT", "/rooms/!r:test/send/t1", null))).errcode).to.equal("M_MISSING_TOKEN");
    expect((await matrixErrorOf(call(router, "PUT", "/rooms/!r:test/send/t1", "nobody"))).errcode).to.equal("M_UNKNOWN_TOKEN");
    expect((await matrixErrorOf(call(router, "PUT", "/rooms/!r:test/send/t1", "guest-token"))).errcode).to.equal(
      "M_GUEST_ACCESS_FORBIDDEN",
    );
  });

  it("serves public routes without a token and without looking one up", async () => {
    const { router } = routes();
    expect((await call(router, "GET", "/versions", "nobody")).body).to.deep.equal({ user: null });
  });
});
