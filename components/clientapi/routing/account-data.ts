import type Koa from "koa";
import type { RequestState } from "../../internal/http/app.js";
import { authenticate, requireSelf } from "../../internal/http/auth.js";
import { MatrixError, notFound } from "../../internal/http/matrix-error.js";
import type { Router } from "../../internal/http/router.js";
import { checkRoomId } from "../validate.js";
import { route, type RouteDeps } from "./deps.js";

/** Account data the server maintains itself; clients change it through other endpoints. */
const SERVER_MANAGED_TYPES = new Set(["m.fully_read", "m.push_rules"]);

/** GET/PUT /user/{userId}/account_data/{type} and /user/{userId}/rooms/{roomId}/account_data/{type}. */
export function addAccountDataRoutes(router: Router, deps: RouteDeps): void {
  const signedIn = authenticate(deps.lookupToken, { allowGuests: true });
  const accountData = () => deps.userApi().accountData;

  const get = route([signedIn], async (ctx: Koa.Context) => {
    const { user, params } = ctx.state as RequestState;
    requireSelf(user!, params.userId!, "read account data");
    if (params.roomId !== undefined) checkRoomId(params.roomId);
    const content = await accountData().getAccountData(user!.userId, params.roomId, params.type!);
    if (content === null) throw notFound("No account data of that type");
    ctx.body = content;
  });

  const put = route([signedIn, deps.limits.write], async (ctx: Koa.Context) => {
    const { user, params, body } = ctx.state as RequestState;
    requireSelf(user!, params.userId!, "set account data");
    if (params.roomId !== undefined) checkRoomId(params.roomId);
    if (SERVER_MANAGED_TYPES.has(params.type!)) {
      throw new MatrixError(405, "M_BAD_JSON", `${params.type} account data is managed by the server; clients cannot set it`);
    }
    await accountData().setAccountData(user!.userId, params.roomId, params.type!, body);
    await deps.edus.accountData(user!.userId, params.roomId, params.type!, body);
    ctx.body = {};
  });

  router.get("/_matrix/client/v3/user/{userId}/account_data/{type}", get);
  router.put("/_matrix/client/v3/user/{userId}/account_data/{type}", put);
  router.get("/_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type}", get);
  router.put("/_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type}", put);
}
