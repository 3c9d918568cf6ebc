import type Koa from "koa";
import type { RequestState } from "../../internal/http/app.js";
import { authenticate } from "../../internal/http/auth.js";
import { badJson, invalidParam, notFound } from "../../internal/http/matrix-error.js";
import type { Router } from "../../internal/http/router.js";
import {
  actionsProblem,
  isPushRuleKind,
  pushRuleUpdateProblem,
  userRuleIdProblem,
  type PushRuleActions,
  type PushRuleKind,
  type PushRuleUpdate,
} from "../../userapi/api/push-rules.js";
import { required } from "../validate.js";
import { route, type RouteDeps } from "./deps.js";

const RULE = "/_matrix/client/v3/pushrules/global/{kind}/{ruleId}";

/** The path's rule kind and ID; an unknown kind is 400 M_INVALID_PARAM. */
function ruleOf(ctx: Koa.Context): { kind: PushRuleKind; ruleId: string } {
  const { kind, ruleId } = (ctx.state as RequestState).params as { kind: string; ruleId: string };
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
export function addPushRulesRoutes(router: Router, deps: RouteDeps): void {
  const signedIn = authenticate(deps.lookupToken);
  const pushRules = () => deps.userApi().pushRules;
  const userOf = (ctx: Koa.Context) => (ctx.state as RequestState).user!.userId;

  /** The rule as the client sees it, from the assembled ruleset; 404 if there is none. */
  async function findRule(ctx: Koa.Context) {
    const { kind, ruleId } = ruleOf(ctx);
    const rule = (await pushRules().getPushRules(userOf(ctx)))[kind].find((r) => r.rule_id === ruleId);
    if (!rule) throw notFound("The push rule was not found.");
    return rule;
  }

  router.get(
    "/_matrix/client/v3/pushrules/",
    route([signedIn], async (ctx: Koa.Context) => {
      ctx.body = { global: await pushRules().getPushRules(userOf(ctx)) };
    }),
  );
  router.get(
    "/_matrix/client/v3/pushrules/global/",
    route([signedIn], async (ctx: Koa.Context) => {
      ctx.body = await pushRules().getPushRules(userOf(ctx));
    }),
  );

  router.get(RULE, route([signedIn], async (ctx: Koa.Context) => void (ctx.body = await findRule(ctx))));

  router.put(
    RULE,
    route([signedIn, deps.limits.write], async (ctx: Koa.Context) => {
      const { kind, ruleId } = ruleOf(ctx);
      const body = (ctx.state as RequestState).body;
      const idProblem = userRuleIdProblem(ruleId);
      if (idProblem) throw invalidParam(idProblem);
      const problem = pushRuleUpdateProblem(kind, body);
      if (problem) throw badJson(problem);
      const position = { before: queryString(ctx, "before"), after: queryString(ctx, "after") };
      await pushRules().putPushRule(userOf(ctx), kind, ruleId, body as unknown as PushRuleUpdate, position);
      ctx.body = {};
    }),
  );

  router.delete(
    RULE,
    route([signedIn, deps.limits.write], async (ctx: Koa.Context) => {
      const { kind, ruleId } = ruleOf(ctx);
      await pushRules().deletePushRule(userOf(ctx), kind, ruleId);
      ctx.body = {};
    }),
  );

  /** GET and PUT of one attribute of a rule (`enabled`, `actions`), checked by `read` before `apply`. */
  function attributeRoutes<T>(
    name: "enabled" | "actions",
    read: (body: Record<string, unknown>) => T,
    apply: (userId: string, kind: PushRuleKind, ruleId: string, value: T) => Promise<void>,
  ): void {
    router.get(`${RULE}/${name}`, route([signedIn], async (ctx: Koa.Context) => void (ctx.body = { [name]: (await findRule(ctx))[name] })));
    router.put(
      `${RULE}/${name}`,
      route([signedIn, deps.limits.write], async (ctx: Koa.Context) => {
        const { kind, ruleId } = ruleOf(ctx);
        await apply(userOf(ctx), kind, ruleId, read((ctx.state as RequestState).body));
        ctx.body = {};
      }),
    );
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
