import type { JsonObject, RoomVersion } from "../../protocol/index.js";
import type { Preset } from "./create-room-request.js";

/** What a createRoom preset implies (C-S spec's preset table; power defaults as Synapse). */
interface PresetRules {
  readonly joinRule: string;
  readonly historyVisibility: string;
  readonly guestAccess: string;
  /** trusted_private_chat: invitees get the creator's power. */
  readonly inviteesAreAdmins: boolean;
  /** Private rooms let any member invite. */
  readonly inviteLevel: number;
}

export const PRESET_RULES: Readonly<Record<Preset, PresetRules>> = {
  private_chat: { joinRule: "invite", historyVisibility: "shared", guestAccess: "can_join", inviteesAreAdmins: false, inviteLevel: 0 },
  trusted_private_chat: {
    joinRule: "invite",
    historyVisibility: "shared",
    guestAccess: "can_join",
    inviteesAreAdmins: true,
    inviteLevel: 0,
  },
  public_chat: { joinRule: "public", historyVisibility: "shared", guestAccess: "forbidden", inviteesAreAdmins: false, inviteLevel: 50 },
};

/**
 * The default m.room.power_levels content of a new room, before the request's override.
 * Up to v11 the creator (and, for trusted_private_chat, the invitees) are listed at 100.
 * From v12 creators have infinite power and must not be listed (trusted invitees become
 * additional creators instead), and tombstoning needs more than 100 so that admins who
 * are not creators cannot end the room (spec v1.16, createRoom step 3).
 */
export function defaultPowerLevels(version: RoomVersion, preset: Preset, creator: string, invitees: readonly string[]): JsonObject {
  const rules = PRESET_RULES[preset];
  const users: JsonObject = {};
  if (!version.privilegedCreators) {
    users[creator] = 100;
    if (rules.inviteesAreAdmins) for (const invitee of invitees) users[invitee] = 100;
  }
  return {
    users,
    users_default: 0,
    events: {
      "m.room.name": 50,
      "m.room.power_levels": 100,
      "m.room.history_visibility": 100,
      "m.room.canonical_alias": 50,
      "m.room.avatar": 50,
      "m.room.tombstone": version.privilegedCreators ? 150 : 100,
      "m.room.server_acl": 100,
      "m.room.encryption": 100,
    },
    events_default: 0,
    state_default: 50,
    ban: 50,
    kick: 50,
    redact: 50,
    invite: rules.inviteLevel,
  };
}

/** The m.room.create content: creation_content with the keys the server owns overwritten. */
export function createContent(
  version: RoomVersion,
  preset: Preset,
  creator: string,
  creationContent: JsonObject,
  invitees: readonly string[],
): JsonObject {
  const content: JsonObject = { ...creationContent, room_version: version.id };
  if (version.implicitRoomCreator) delete content["creator"];
  else content["creator"] = creator;
  if (version.privilegedCreators && PRESET_RULES[preset].inviteesAreAdmins && invitees.length > 0) {
    // Spec v1.16: trusted_private_chat invitees join additional_creators, deduplicated.
    const given = Array.isArray(content["additional_creators"]) ? (content["additional_creators"] as string[]) : [];
    content["additional_creators"] = [...new Set([...given, ...invitees])];
  }
  return content;
}
