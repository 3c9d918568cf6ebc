import { requireSelf } from "../../internal/http/auth.js";
import { badJson, notFound } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import { filterProblem } from "../../userapi/api/filter.js";
import type { RouteDeps } from "./deps.js";

/** POST /user/{userId}/filter and GET /user/{userId}/filter/{filterId}. */
export function addFilterRoutes(routes: TypedRoutes, deps: RouteDeps): void {
  const accountData = () => deps.userApi().accountData;

  routes.post(
    "/_matrix/client/v3/user/{userId}/filter",
    { access: "guest", middleware: [deps.limits.write] },
    async ({ ctx, user, params, body }) => {
      requireSelf(user, params.userId, "upload a filter");
      const problem = filterProblem(body);
      if (problem) throw badJson(`Invalid filter: ${problem}`);
      ctx.body = { filter_id: await accountData().createFilter(user.userId, body) };
    },
  );

  routes.get("/_matrix/client/v3/user/{userId}/filter/{filterId}", { access: "guest" }, async ({ ctx, user, params }) => {
    requireSelf(user, params.userId, "read filters");
    const filter = await accountData().getFilter(user.userId, params.filterId);
    if (!filter) throw notFound("No such filter");
    ctx.body = filter;
  });
}
