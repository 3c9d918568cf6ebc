/**
 * The redaction algorithm (room version pages, "Redactions"): what survives of an event when
 * it is redacted, and hence what signatures and reference hashes cover. Every difference
 * between versions comes from `roomVersion.redaction`.
 */
import type { RedactionRules, RoomVersion } from "../roomversions.js";
import { isJsonObject, type JsonObject, type JsonValue } from "./event.js";

// Top-level keys every version keeps.
const KEPT_TOP_LEVEL = [
  "event_id",
  "type",
  "room_id",
  "sender",
  "state_key",
  "content",
  "hashes",
  "signatures",
  "depth",
  "prev_events",
  "auth_events",
  "origin_server_ts",
] as const;
// Kept only before v11.
const KEPT_TOP_LEVEL_BEFORE_V11 = ["origin", "membership", "prev_state"] as const;

const POWER_LEVEL_KEYS = ["ban", "events", "events_default", "kick", "redact", "state_default", "users", "users_default"];

/** Content keys kept per event type; `"all"` keeps the whole content. Computed once per rule set. */
type ContentRules = ReadonlyMap<string, readonly string[] | "all">;

function contentRules(r: RedactionRules): ContentRules {
  const rules = new Map<string, readonly string[] | "all">();
  rules.set("m.room.member", r.keepJoinAuthorisedVia ? ["membership", "join_authorised_via_users_server"] : ["membership"]);
  rules.set("m.room.create", r.v11 ? "all" : ["creator"]);
  rules.set("m.room.join_rules", r.keepJoinRulesAllow ? ["join_rule", "allow"] : ["join_rule"]);
  rules.set("m.room.power_levels", r.v11 ? [...POWER_LEVEL_KEYS, "invite"] : POWER_LEVEL_KEYS);
  rules.set("m.room.history_visibility", ["history_visibility"]);
  if (r.keepAliases) rules.set("m.room.aliases", ["aliases"]);
  if (r.v11) rules.set("m.room.redaction", ["redacts"]);
  return rules;
}

const rulesCache = new WeakMap<RedactionRules, ContentRules>();
function contentRulesFor(r: RedactionRules): ContentRules {
  let rules = rulesCache.get(r);
  if (!rules) {
    rules = contentRules(r);
    rulesCache.set(r, rules);
  }
  return rules;
}

/**
 * Returns the redacted copy of an event's JSON (the input is not modified). Values that are
 * kept are shared with the input, not deep-copied. `content` is always present, as `{}` if
 * nothing survives.
 */
export function redactEventJson(event: JsonObject, roomVersion: RoomVersion): JsonObject {
  const r = roomVersion.redaction;
  const out: JsonObject = {};
  for (const key of KEPT_TOP_LEVEL) {
    if (key !== "content" && event[key] !== undefined) out[key] = event[key]!;
  }
  if (!r.v11) {
    for (const key of KEPT_TOP_LEVEL_BEFORE_V11) if (event[key] !== undefined) out[key] = event[key]!;
  }
  out.content = redactContent(event.type, event.content, r);
  return out;
}

/** The content that survives redaction of an event of `type`. */
export function redactContent(type: JsonValue | undefined, content: JsonValue | undefined, r: RedactionRules): JsonObject {
  if (!isJsonObject(content) || typeof type !== "string") return {};
  const keep = contentRulesFor(r).get(type);
  if (keep === undefined) return {};
  if (keep === "all") return content;
  const out: JsonObject = {};
  for (const key of keep) if (content[key] !== undefined) out[key] = content[key]!;
  // v11: a member event keeps third_party_invite.signed, so the invite's auth check still
  // works on a redacted copy.
  if (r.v11 && type === "m.room.member") {
    const tpi = content.third_party_invite;
    if (isJsonObject(tpi) && tpi.signed !== undefined) out.third_party_invite = { signed: tpi.signed };
  }
  return out;
}
