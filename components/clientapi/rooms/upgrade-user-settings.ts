import type { PushCondition, PushRule, PushRuleKind } from "../../userapi/api/push-rules.js";
import type { UserApi } from "../../userapi/api/userapi.js";
import type { EduPublisher } from "../producers/edu-publisher.js";

export interface UserSettingsDeps {
  readonly userApi: () => UserApi;
  readonly edus: EduPublisher;
}

const DIRECT = "m.direct";
const TAGS = "m.tag";

/**
 * A user's settings for an upgraded room, carried to its replacement (C-S spec, "Room
 * Upgrades": the server "should automatically transfer/replicate some of the user's
 * personalized settings such as notifications, tags, etc."): their enabled push rules that
 * name the old room, its tags, and its place in their m.direct. Nothing of the old room's
 * settings is removed: the old room keeps working for its history.
 */
export async function carryUserSettings(deps: UserSettingsDeps, userId: string, oldRoomId: string, newRoomId: string): Promise<void> {
  await carryPushRules(deps, userId, oldRoomId, newRoomId);
  await carryTags(deps, userId, oldRoomId, newRoomId);
  await carryDirect(deps, userId, oldRoomId, newRoomId);
}

/**
 * Each enabled rule of the user's that names the old room (a room rule, whose ID is the
 * room; a rule with a room_id condition) gets a twin for the new room, placed just before it.
 */
async function carryPushRules(deps: UserSettingsDeps, userId: string, oldRoomId: string, newRoomId: string): Promise<void> {
  const pushRules = deps.userApi().pushRules;
  const ruleset = await pushRules.getPushRules(userId);
  for (const [kind, rules] of Object.entries(ruleset) as [PushRuleKind, readonly PushRule[]][]) {
    for (const rule of rules) {
      if (rule.default || !rule.enabled) continue;
      const namesRoom = kind === "room" ? rule.rule_id === oldRoomId : (rule.conditions ?? []).some((c) => isRoomCondition(c, oldRoomId));
      if (!namesRoom) continue;
      const ruleId = kind === "room" || !rule.rule_id.includes(oldRoomId) ? newRoomId : rule.rule_id.replaceAll(oldRoomId, newRoomId);
      const conditions = rule.conditions?.map((c) => (isRoomCondition(c, oldRoomId) ? { ...c, pattern: newRoomId } : c));
      const update = {
        actions: rule.actions,
        ...(conditions ? { conditions } : {}),
        ...(rule.pattern !== undefined ? { pattern: rule.pattern } : {}),
      };
      await pushRules.putPushRule(userId, kind, ruleId, update, { before: rule.rule_id });
    }
  }
}

function isRoomCondition(condition: PushCondition, roomId: string): boolean {
  return condition.kind === "event_match" && condition["key"] === "room_id" && condition["pattern"] === roomId;
}

/** The old room's tags, unless the new room has its own already. */
async function carryTags(deps: UserSettingsDeps, userId: string, oldRoomId: string, newRoomId: string): Promise<void> {
  const accountData = deps.userApi().accountData;
  const tags = await accountData.getAccountData(userId, oldRoomId, TAGS);
  if (tags === null || (await accountData.getAccountData(userId, newRoomId, TAGS)) !== null) return;
  await accountData.setAccountData(userId, newRoomId, TAGS, tags);
  await deps.edus.accountData(userId, newRoomId, TAGS, tags);
}

/** A direct chat stays one: the new room joins the old one's entry in m.direct. */
async function carryDirect(deps: UserSettingsDeps, userId: string, oldRoomId: string, newRoomId: string): Promise<void> {
  const accountData = deps.userApi().accountData;
  const direct = await accountData.getAccountData(userId, undefined, DIRECT);
  if (direct === null) return;
  let changed = false;
  const updated: Record<string, unknown> = {};
  for (const [partner, rooms] of Object.entries(direct)) {
    const list = Array.isArray(rooms) ? rooms : [];
    const add = list.includes(oldRoomId) && !list.includes(newRoomId);
    updated[partner] = add ? [...list, newRoomId] : rooms;
    changed ||= add;
  }
  if (!changed) return;
  await accountData.setAccountData(userId, undefined, DIRECT, updated);
  await deps.edus.accountData(userId, undefined, DIRECT, updated);
}
