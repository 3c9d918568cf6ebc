/**
 * Push rules as the client-server spec shapes them ("Push Rules" module): the types, and the
 * checks of a rule a client sends, shared by the clientapi (to answer 400) and the userapi.
 */
export type PushRuleKind = "override" | "content" | "room" | "sender" | "underride";

/** In priority order: an event is matched against override rules first, underride last. */
export const PUSH_RULE_KINDS: readonly PushRuleKind[] = ["override", "content", "room", "sender", "underride"];

export function isPushRuleKind(kind: string): kind is PushRuleKind {
  return (PUSH_RULE_KINDS as readonly string[]).includes(kind);
}

/** "notify", or a tweak such as {"set_tweak": "sound", "value": "default"}. */
export type PushRuleAction = string | Record<string, unknown>;
export type PushRuleActions = readonly PushRuleAction[];

export interface PushCondition {
  readonly kind: string;
  readonly [field: string]: unknown;
}

export interface PushRule {
  readonly rule_id: string;
  readonly default: boolean;
  readonly enabled: boolean;
  readonly actions: PushRuleActions;
  /** override and underride rules only. */
  readonly conditions?: readonly PushCondition[];
  /** content rules only. */
  readonly pattern?: string;
}

/** The `global` ruleset: one list per kind, most important first. */
export type PushRuleset = Readonly<Record<PushRuleKind, readonly PushRule[]>>;

/** What a client sends to add or replace a rule. */
export interface PushRuleUpdate {
  readonly actions: PushRuleActions;
  readonly conditions?: readonly PushCondition[];
  readonly pattern?: string;
}

/** Why a rule ID cannot name a user rule, or null. Dots are reserved for server defaults. */
export function userRuleIdProblem(ruleId: string): string | null {
  if (ruleId.startsWith(".")) return "rule IDs starting with '.' are reserved for server-default rules";
  if (/[/\\]/.test(ruleId)) return "rule IDs must not contain '/' or '\\'";
  if (ruleId.length === 0 || ruleId.length > 255) return "rule IDs must be 1-255 characters";
  return null;
}

/**
 * The actions given as strings: `notify`, and the historical ones the spec has servers
 * accept and ignore. Anything else is a mistake the client should hear about (as in Synapse).
 */
const STRING_ACTIONS = new Set(["notify", "dont_notify", "coalesce"]);

/** Why `actions` is not a valid list of push actions, or null. */
export function actionsProblem(actions: unknown): string | null {
  if (!Array.isArray(actions)) return "actions must be an array";
  for (const action of actions) {
    if (typeof action === "string") {
      if (!STRING_ACTIONS.has(action)) return `unknown action ${JSON.stringify(action)}`;
      continue;
    }
    if (action === null || typeof action !== "object" || Array.isArray(action)) return "each action must be a string or an object";
    if (typeof (action as Record<string, unknown>).set_tweak !== "string") return "an object action must have a string set_tweak";
  }
  return null;
}

const MEMBER_COUNT = /^(==|<|>|>=|<=)?[0-9]+$/;

/** Why one condition is malformed, or null. Unknown kinds pass: the spec says they never match. */
function conditionProblem(condition: unknown): string | null {
  if (condition === null || typeof condition !== "object" || Array.isArray(condition)) return "each condition must be an object";
  const c = condition as Record<string, unknown>;
  if (typeof c.kind !== "string") return "each condition needs a string kind";
  const needsString = (field: string) => (typeof c[field] === "string" ? null : `a ${c.kind} condition needs a string ${field}`);
  switch (c.kind) {
    case "event_match":
      return needsString("key") ?? needsString("pattern");
    case "event_property_is":
    case "event_property_contains":
      return (
        needsString("key") ??
        (c.value !== null && typeof c.value === "object" ? `${c.kind} value must be a string, number, boolean or null` : null)
      );
    case "room_member_count":
      return typeof c.is === "string" && MEMBER_COUNT.test(c.is) ? null : 'room_member_count needs `is` like "2", ">=10"';
    case "sender_notification_permission":
      return needsString("key");
    default:
      return null;
  }
}

/** Why a client's rule of `kind` is malformed, or null. */
export function pushRuleUpdateProblem(kind: PushRuleKind, body: Record<string, unknown>): string | null {
  const actions = actionsProblem(body.actions);
  if (actions) return actions;
  if (kind === "content" && typeof body.pattern !== "string") return "content rules need a string pattern";
  if (body.pattern !== undefined && typeof body.pattern !== "string") return "pattern must be a string";
  if (body.conditions !== undefined) {
    if (!Array.isArray(body.conditions)) return "conditions must be an array";
    for (const condition of body.conditions) {
      const problem = conditionProblem(condition);
      if (problem) return problem;
    }
  }
  return null;
}
