import type Koa from "koa";
import { badJson, invalidParam, notFound } from "../../internal/http/matrix-error.js";
import type { TypedRoutes } from "../../internal/http/typed-routes.js";
import {
  actionsProblem,
  isPushRuleKind,
  pushRuleUpdateProblem,
  userRuleIdProblem,
  type PushRuleActions,
  type PushRuleKind,
  type PushRuleUpdate,
} from "../../userapi/api/push-rules.js";
import { required } from "../validation/checks.js";
import type { RouteDeps } from "./deps.js";

const RULE = "/_matrix/client/v3/pushrules/global/{kind}/{ruleId}";

/** The path's rule kind and ID; an unknown kind is 400 M_INVALID_PARAM. */
function ruleOf(params: { readonly kind: string; readonly ruleId: string }): { kind: PushRuleKind; ruleId: string } {
  const { kind, ruleId } = params;
  if (!isPushRuleKind(kind)) throw invalidParam(`unknown push rule kind ${JSON.stringify(kind)}`);
  return { kind, ruleId };
}

function queryString(ctx: Koa.Context, name: string): string | undefined {
  const value = ctx.query[name];
  if (Array.isArray(value)) throw invalidParam(`${name} may be given once`);
  return value;
}

/**
 * The push rules API: the whole ruleset at /pushrules/ (with its trailing slash, as clients
 * call it) and /pushrules/global/, and one rule, its `enabled` and its `actions`.
 */
export function addPushRulesRoutes(routes: TypedRoutes, deps: RouteDeps): void {
  const reads = { access: "user" } as const;
  const writes = { access: "user", middleware: [deps.limits.write] } as const;
  const pushRules = () => deps.userApi().pushRules;

  /** The rule as the client sees it, from the assembled ruleset; 404 if there is none. */
  async function findRule(userId: string, params: { readonly kind: string; readonly ruleId: string }) {
    const { kind, ruleId } = ruleOf(params);
    const rule = (await pushRules().getPushRules(userId))[kind].find((r) => r.rule_id === ruleId);
    if (!rule) throw notFound("The push rule was not found.");
    return rule;
  }

  routes.get("/_matrix/client/v3/pushrules/", reads, async ({ ctx, user }) => {
    ctx.body = { global: await pushRules().getPushRules(user.userId) };
  });
  routes.get("/_matrix/client/v3/pushrules/global/", reads, async ({ ctx, user }) => {
    ctx.body = await pushRules().getPushRules(user.userId);
  });

  routes.get(RULE, reads, async ({ ctx, user, params }) => void (ctx.body = await findRule(user.userId, params)));

  routes.put(RULE, writes, async ({ ctx, user, params, body }) => {
    const { kind, ruleId } = ruleOf(params);
    const idProblem = userRuleIdProblem(ruleId);
    if (idProblem) throw invalidParam(idProblem);
    const problem = pushRuleUpdateProblem(kind, body);
    if (problem) throw badJson(problem);
    const position = { before: queryString(ctx, "before"), after: queryString(ctx, "after") };
    await pushRules().putPushRule(user.userId, kind, ruleId, body as unknown as PushRuleUpdate, position);
    ctx.body = {};
  });

  routes.delete(RULE, writes, async ({ ctx, user, params }) => {
    const { kind, ruleId } = ruleOf(params);
    await pushRules().deletePushRule(user.userId, kind, ruleId);
    ctx.body = {};
  });

  /** GET and PUT of one attribute of a rule (`enabled`, `actions`), checked by `read` before `apply`. */
  function attributeRoutes<T>(
    name: "enabled" | "actions",
    read: (body: Record<string, unknown>) => T,
    apply: (userId: string, kind: PushRuleKind, ruleId: string, value: T) => Promise<void>,
  ): void {
    const path = `${RULE}/${name}` as const;
    routes.get(path, reads, async ({ ctx, user, params }) => void (ctx.body = { [name]: (await findRule(user.userId, params))[name] }));
    routes.put(path, writes, async ({ ctx, user, params, body }) => {
      const { kind, ruleId } = ruleOf(params);
      await apply(user.userId, kind, ruleId, read(body));
      ctx.body = {};
    });
  }

  attributeRoutes(
    "enabled",
    (body) => required(body, "enabled", "boolean"),
    (userId, kind, ruleId, enabled) => pushRules().setPushRuleEnabled(userId, kind, ruleId, enabled),
  );
  attributeRoutes(
    "actions",
    (body) => {
      const actions = required(body, "actions", "array");
      const problem = actionsProblem(actions);
      if (problem) throw badJson(problem);
      return actions as PushRuleActions;
    },
    (userId, kind, ruleId, actions) => pushRules().setPushRuleActions(userId, kind, ruleId, actions),
  );
}
