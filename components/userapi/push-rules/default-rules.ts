import type { PushRule, PushRuleKind } from "../api/push-rules.js";

/**
 * The server-default push rules of the client-server spec ("Predefined Rules"), in the
 * spec's order, for one user: some of them name the user's ID or localpart.
 */
const notify = "notify";
const sound = (value: string) => ({ set_tweak: "sound", value });
const highlight = { set_tweak: "highlight" };
const eventMatch = (key: string, pattern: string) => ({ kind: "event_match", key, pattern });

function rule(rule_id: string, conditions: PushRule["conditions"], actions: PushRule["actions"], enabled = true): PushRule {
  return { rule_id, default: true, enabled, conditions, actions };
}

/** `.m.rule.master` is always the most important rule, above even the user's own. */
export function masterRule(): PushRule {
  return rule(".m.rule.master", [], [], false);
}

export function defaultOverrideRules(userId: string): PushRule[] {
  return [
    rule(".m.rule.suppress_notices", [eventMatch("content.msgtype", "m.notice")], []),
    rule(
      ".m.rule.invite_for_me",
      [eventMatch("type", "m.room.member"), eventMatch("content.membership", "invite"), eventMatch("state_key", userId)],
      [notify, sound("default")],
    ),
    rule(".m.rule.member_event", [eventMatch("type", "m.room.member")], []),
    rule(
      ".m.rule.is_user_mention",
      [{ kind: "event_property_contains", key: "content.m\\.mentions.user_ids", value: userId }],
      [notify, sound("default"), highlight],
    ),
    rule(".m.rule.contains_display_name", [{ kind: "contains_display_name" }], [notify, sound("default"), highlight]),
    rule(
      ".m.rule.is_room_mention",
      [
        { kind: "event_property_is", key: "content.m\\.mentions.room", value: true },
        { kind: "sender_notification_permission", key: "room" },
      ],
      [notify, highlight],
    ),
    rule(
      ".m.rule.roomnotif",
      [eventMatch("content.body", "@room"), { kind: "sender_notification_permission", key: "room" }],
      [notify, highlight],
    ),
    rule(".m.rule.tombstone", [eventMatch("type", "m.room.tombstone"), eventMatch("state_key", "")], [notify, highlight]),
    rule(".m.rule.reaction", [eventMatch("type", "m.reaction")], []),
    rule(".m.rule.room.server_acl", [eventMatch("type", "m.room.server_acl"), eventMatch("state_key", "")], []),
    rule(".m.rule.suppress_edits", [{ kind: "event_property_is", key: "content.m\\.relates_to.rel_type", value: "m.replace" }], []),
  ];
}

export function defaultContentRules(localpart: string): PushRule[] {
  return [
    {
      rule_id: ".m.rule.contains_user_name",
      default: true,
      enabled: true,
      pattern: localpart,
      actions: [notify, sound("default"), highlight],
    },
  ];
}

export function defaultUnderrideRules(): PushRule[] {
  const memberCount2 = { kind: "room_member_count", is: "2" };
  return [
    rule(".m.rule.call", [eventMatch("type", "m.call.invite")], [notify, sound("ring")]),
    rule(".m.rule.encrypted_room_one_to_one", [memberCount2, eventMatch("type", "m.room.encrypted")], [notify, sound("default")]),
    rule(".m.rule.room_one_to_one", [memberCount2, eventMatch("type", "m.room.message")], [notify, sound("default")]),
    rule(".m.rule.message", [eventMatch("type", "m.room.message")], [notify]),
    rule(".m.rule.encrypted", [eventMatch("type", "m.room.encrypted")], [notify]),
  ];
}

/** Every default rule of a kind for the user, master included (first among overrides). */
export function defaultRules(kind: PushRuleKind, userId: string, localpart: string): PushRule[] {
  switch (kind) {
    case "override":
      return [masterRule(), ...defaultOverrideRules(userId)];
    case "content":
      return defaultContentRules(localpart);
    case "underride":
      return defaultUnderrideRules();
    default:
      return [];
  }
}
