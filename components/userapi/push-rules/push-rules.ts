import type { Database } from "../../internal/database/database.js";
import type { LocalUsers } from "../accounts/local-users.js";
import type { PushRuleActions, PushRuleKind, PushRuleset, PushRuleUpdate } from "../api/push-rules.js";
import type { PushRulesApi } from "../api/userapi.js";
import { selectPushRules, selectPushRulesForUpdate, updatePushRules } from "../storage/push-rules.js";
import { assembleRuleset, changeRule, deleteRule, EMPTY_PUSH_RULES, putRule, type StoredPushRules } from "./ruleset.js";

/** Push rules of local users: the stored changes (ruleset.ts) read and written under a row lock. */
export class PushRules implements PushRulesApi {
  constructor(
    private readonly db: Database,
    private readonly users: LocalUsers,
  ) {}

  async getPushRules(userId: string): Promise<PushRuleset> {
    const localpart = this.users.localpart(userId);
    return assembleRuleset((await selectPushRules(this.db, localpart)) ?? EMPTY_PUSH_RULES, userId, localpart);
  }

  putPushRule(userId: string, kind: PushRuleKind, ruleId: string, rule: PushRuleUpdate, position: { before?: string; after?: string }) {
    return this.update(userId, (stored) => putRule(stored, kind, ruleId, rule, position));
  }

  deletePushRule(userId: string, kind: PushRuleKind, ruleId: string) {
    return this.update(userId, (stored) => deleteRule(stored, kind, ruleId));
  }

  setPushRuleEnabled(userId: string, kind: PushRuleKind, ruleId: string, enabled: boolean) {
    return this.update(userId, (stored, localpart) => changeRule(stored, kind, ruleId, { enabled }, userId, localpart));
  }

  setPushRuleActions(userId: string, kind: PushRuleKind, ruleId: string, actions: PushRuleActions) {
    return this.update(userId, (stored, localpart) => changeRule(stored, kind, ruleId, { actions }, userId, localpart));
  }

  private async update(userId: string, change: (stored: StoredPushRules, localpart: string) => StoredPushRules): Promise<void> {
    const localpart = this.users.localpart(userId);
    await this.db.transaction(async (tx) => {
      const stored = await selectPushRulesForUpdate(tx, localpart, EMPTY_PUSH_RULES);
      await updatePushRules(tx, localpart, change(stored, localpart));
    });
  }
}
