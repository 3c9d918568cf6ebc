import type Koa from "koa";
import type { RequestState } from "../../internal/http/app.js";
import { authenticate, requireSelf } from "../../internal/http/auth.js";
import { badJson, notFound } from "../../internal/http/matrix-error.js";
import type { Router } from "../../internal/http/router.js";
import { filterProblem } from "../../userapi/api/filter.js";
import { route, type RouteDeps } from "./deps.js";

/** POST /user/{userId}/filter and GET /user/{userId}/filter/{filterId}. */
export function addFilterRoutes(router: Router, deps: RouteDeps): void {
  const signedIn = authenticate(deps.lookupToken, { allowGuests: true });
  const accountData = () => deps.userApi().accountData;

  router.post(
    "/_matrix/client/v3/user/{userId}/filter",
    route([signedIn, deps.limits.write], async (ctx: Koa.Context) => {
      const { user, params, body } = ctx.state as RequestState;
      requireSelf(user!, params.userId!, "upload a filter");
      const problem = filterProblem(body);
      if (problem) throw badJson(`Invalid filter: ${problem}`);
      ctx.body = { filter_id: await accountData().createFilter(user!.userId, body) };
    }),
  );

  router.get(
    "/_matrix/client/v3/user/{userId}/filter/{filterId}",
    route([signedIn], async (ctx: Koa.Context) => {
      const { user, params } = ctx.state as RequestState;
      requireSelf(user!, params.userId!, "read filters");
      const filter = await accountData().getFilter(user!.userId, params.filterId!);
      if (!filter) throw notFound("No such filter");
      ctx.body = filter;
    }),
  );
}
