import { ProtocolError } from "./errors.js";

/**
 * Every difference between room versions is a field of this table, so code asks
 * `version.knockJoinRule` instead of comparing version strings.
 * Sources: the spec's room version pages (content/rooms/v1.md ... v12.md).
 */
export interface RoomVersion {
  readonly id: string;
  readonly stable: boolean;
  /** "v1" for room v1, "v2" for v2-v11, "v2.1" for v12. */
  readonly stateResolution: "v1" | "v2" | "v2.1";
  /**
   * "v1": events carry `event_id`, prev/auth events are [id, {sha256}] pairs (v1-v2).
   * "v2": event IDs derived from the reference hash, prev/auth events are ID lists (v3+).
   */
  readonly eventFormat: "v1" | "v2";
  /** "v1" `$opaque:server`; "v3" standard base64 of the reference hash; "v4" URL-safe base64. */
  readonly eventIdFormat: "v1" | "v3" | "v4";
  /** v5+: a key's valid_until_ts must cover the event's origin_server_ts. */
  readonly enforceKeyValidity: boolean;
  /** v1-v5: m.room.aliases has its own auth rule (state_key must be the sender's server). */
  readonly specialCasedAliasesAuth: boolean;
  /**
   * v1-v2: m.room.redaction has its own auth rule (sender needs the redact level, or the
   * redacted event's ID has the redaction's event ID domain). v3+ leave it to "handling redactions".
   */
  readonly redactionAuthRule: boolean;
  /** v6+: integers only, within +/-(2^53-1); invalid JSON rejected. */
  readonly strictCanonicalJson: boolean;
  /** v6+: notifications power level is checked on power level changes. */
  readonly notificationsPowerLevels: boolean;
  /** v7+: "knock" join rule and membership. */
  readonly knockJoinRule: boolean;
  /** v8+: "restricted" join rule. */
  readonly restrictedJoinRule: boolean;
  /** v10+: "knock_restricted" join rule. */
  readonly knockRestrictedJoinRule: boolean;
  /** v10+: power levels must be integers, not strings holding integers. */
  readonly integerPowerLevels: boolean;
  /** v11+: m.room.create has no `creator`; the sender is the creator. */
  readonly implicitRoomCreator: boolean;
  /** v11+: `redacts` lives in content of m.room.redaction. */
  readonly redactsInContent: boolean;
  /** v12+: the room ID is derived from the create event's reference hash; create has no room_id. */
  readonly roomIdFromCreateEvent: boolean;
  /** v12+: creators (sender and content.additional_creators) have infinite power. */
  readonly privilegedCreators: boolean;
  readonly redaction: RedactionRules;
}

/** What the redaction algorithm keeps, per room version (spec: "Redactions"). */
export interface RedactionRules {
  /** v1-v5: m.room.aliases keeps `aliases`. */
  readonly keepAliases: boolean;
  /** v8+: m.room.join_rules keeps `allow`. */
  readonly keepJoinRulesAllow: boolean;
  /** v9+: m.room.member keeps `join_authorised_via_users_server`. */
  readonly keepJoinAuthorisedVia: boolean;
  /**
   * v11+: top-level `origin`, `membership`, `prev_state` are no longer kept; create keeps all
   * content; redaction keeps `redacts`; power levels keep `invite`; member keeps
   * `third_party_invite.signed`.
   */
  readonly v11: boolean;
}

function version(id: string, n: number): RoomVersion {
  return {
    id,
    stable: true,
    stateResolution: n === 1 ? "v1" : n >= 12 ? "v2.1" : "v2",
    eventFormat: n <= 2 ? "v1" : "v2",
    eventIdFormat: n <= 2 ? "v1" : n === 3 ? "v3" : "v4",
    enforceKeyValidity: n >= 5,
    specialCasedAliasesAuth: n <= 5,
    redactionAuthRule: n <= 2,
    strictCanonicalJson: n >= 6,
    notificationsPowerLevels: n >= 6,
    knockJoinRule: n >= 7,
    restrictedJoinRule: n >= 8,
    knockRestrictedJoinRule: n >= 10,
    integerPowerLevels: n >= 10,
    implicitRoomCreator: n >= 11,
    redactsInContent: n >= 11,
    roomIdFromCreateEvent: n >= 12,
    privilegedCreators: n >= 12,
    redaction: {
      keepAliases: n <= 5,
      keepJoinRulesAllow: n >= 8,
      keepJoinAuthorisedVia: n >= 9,
      v11: n >= 11,
    },
  };
}

export const ROOM_VERSIONS: ReadonlyMap<string, RoomVersion> = new Map(
  Array.from({ length: 12 }, (_, i) => {
    const id = String(i + 1);
    return [id, version(id, i + 1)] as const;
  }),
);

/**
 * The version of new rooms unless the request or the config (`rooms.default_version`) names
 * another: the spec's recommendation (content/rooms/_index.md: "Servers SHOULD use room
 * version 12 as the default room version when creating new rooms").
 */
export const DEFAULT_ROOM_VERSION = "12";

export function roomVersion(id: string): RoomVersion {
  const v = ROOM_VERSIONS.get(id);
  if (!v) throw new ProtocolError("UNKNOWN_ROOM_VERSION", `unknown room version ${JSON.stringify(id)}`);
  return v;
}
