import type { PushRuleActions, PushRuleKind, PushRuleset, PushRuleUpdate } from "../api/push-rules.js";
import type { PushRulesApi } from "../api/userapi.js";
import type { LocalUsers } from "../accounts/local-users.js";
import type { UserStorage } from "../storage/storage.js";
import { assembleRuleset, changeRule, deleteRule, putRule, type StoredPushRules } from "./ruleset.js";

/** Push rules of local users: the stored changes (ruleset.ts) read and written under a row lock. */
export class PushRules implements PushRulesApi {
  constructor(
    private readonly storage: UserStorage,
    private readonly users: LocalUsers,
  ) {}

  async getPushRules(userId: string): Promise<PushRuleset> {
    const localpart = this.users.localpart(userId);
    return assembleRuleset(await this.storage.pushRules.get(localpart), userId, localpart);
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
    await this.storage.transaction(async (tables) => {
      await tables.pushRules.put(localpart, change(await tables.pushRules.getForUpdate(localpart), localpart));
    });
  }
}
