import { UserApiError } from "../api/errors.js";
import {
  PUSH_RULE_KINDS,
  type PushRule,
  type PushRuleActions,
  type PushRuleKind,
  type PushRuleset,
  type PushRuleUpdate,
} from "../api/push-rules.js";
import { defaultRules } from "./default-rules.js";

/**
 * What is stored per user: only the user's own rules and their changes to server-default
 * rules. The defaults themselves are computed, so a server upgrade that adds a default
 * rule reaches every existing user. All functions here are pure: each returns a new state.
 */
export interface StoredPushRules {
  /** The user's rules per kind, most important first. */
  readonly user: Readonly<Partial<Record<PushRuleKind, readonly PushRule[]>>>;
  /** Changes to server-default rules, by "kind/rule_id". */
  readonly defaults: Readonly<Record<string, { enabled?: boolean; actions?: PushRuleActions }>>;
}

export const EMPTY_PUSH_RULES: StoredPushRules = { user: {}, defaults: {} };

const defaultKey = (kind: PushRuleKind, ruleId: string) => `${kind}/${ruleId}`;

function withDefaultChanges(kind: PushRuleKind, rules: PushRule[], stored: StoredPushRules): PushRule[] {
  return rules.map((rule) => ({ ...rule, ...stored.defaults[defaultKey(kind, rule.rule_id)] }));
}

/**
 * The ruleset a client sees: per kind, the user's rules before the server defaults, except
 * `.m.rule.master`, which comes before everything.
 */
export function assembleRuleset(stored: StoredPushRules, userId: string, localpart: string): PushRuleset {
  const ruleset = {} as Record<PushRuleKind, PushRule[]>;
  for (const kind of PUSH_RULE_KINDS) {
    const defaults = withDefaultChanges(kind, defaultRules(kind, userId, localpart), stored);
    const user = [...(stored.user[kind] ?? [])];
    const masterFirst = kind === "override" ? defaults.splice(0, 1) : [];
    ruleset[kind] = [...masterFirst, ...user, ...defaults];
  }
  return ruleset;
}

/** A user rule from what the client sent; room and sender rules take their condition from their ID. */
function userRule(kind: PushRuleKind, ruleId: string, update: PushRuleUpdate, enabled: boolean): PushRule {
  const rule: PushRule = { rule_id: ruleId, default: false, enabled, actions: update.actions };
  if (kind === "override" || kind === "underride") return { ...rule, conditions: update.conditions ?? [] };
  if (kind === "content") return { ...rule, pattern: update.pattern };
  return rule;
}

/**
 * Adds a rule, or replaces the user's rule of that ID. A new rule without `before`/`after`
 * becomes the most important user rule of its kind; a replaced one keeps its place unless
 * moved. `before` wins over `after`. Both must name a user rule of the same kind.
 */
export function putRule(
  stored: StoredPushRules,
  kind: PushRuleKind,
  ruleId: string,
  update: PushRuleUpdate,
  position: { before?: string; after?: string },
): StoredPushRules {
  const rules = [...(stored.user[kind] ?? [])];
  const existing = rules.findIndex((r) => r.rule_id === ruleId);
  // Editing a rule's definition keeps whether the user had disabled it.
  const rule = userRule(kind, ruleId, update, existing >= 0 ? rules[existing]!.enabled : true);
  const anchor = position.before ?? position.after;
  if (anchor === undefined) {
    if (existing >= 0) rules[existing] = rule;
    else rules.unshift(rule);
  } else {
    if (anchor === ruleId) throw new UserApiError("INVALID_PARAM", "a rule cannot be placed relative to itself");
    if (existing >= 0) rules.splice(existing, 1);
    const at = rules.findIndex((r) => r.rule_id === anchor);
    if (at < 0) throw new UserApiError("INVALID_PARAM", `before/after rule not found: ${anchor}`);
    rules.splice(position.before !== undefined ? at : at + 1, 0, rule);
  }
  return { ...stored, user: { ...stored.user, [kind]: rules } };
}

export function deleteRule(stored: StoredPushRules, kind: PushRuleKind, ruleId: string): StoredPushRules {
  if (ruleId.startsWith(".")) throw new UserApiError("INVALID_PARAM", "server-default rules cannot be deleted");
  const rules = stored.user[kind] ?? [];
  if (!rules.some((r) => r.rule_id === ruleId)) throw new UserApiError("NOT_FOUND", "The push rule was not found.");
  return { ...stored, user: { ...stored.user, [kind]: rules.filter((r) => r.rule_id !== ruleId) } };
}

/** Changes `enabled` or `actions` of a user rule or a server-default rule. */
export function changeRule(
  stored: StoredPushRules,
  kind: PushRuleKind,
  ruleId: string,
  change: { enabled?: boolean; actions?: PushRuleActions },
  userId: string,
  localpart: string,
): StoredPushRules {
  const rules = stored.user[kind] ?? [];
  const at = rules.findIndex((r) => r.rule_id === ruleId);
  if (at >= 0) {
    const changed = [...rules];
    changed[at] = { ...rules[at]!, ...change };
    return { ...stored, user: { ...stored.user, [kind]: changed } };
  }
  const isDefault = defaultRules(kind, userId, localpart).some((r) => r.rule_id === ruleId);
  if (!isDefault) throw new UserApiError("NOT_FOUND", "The push rule was not found.");
  const key = defaultKey(kind, ruleId);
  return { ...stored, defaults: { ...stored.defaults, [key]: { ...stored.defaults[key], ...change } } };
}
