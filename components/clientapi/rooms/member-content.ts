import { badJson } from "../../internal/http/matrix-error.js";
import type { JsonObject } from "../../protocol/index.js";
import type { ProfilesApi } from "../../userapi/api/userapi.js";
import { optionalBoundedString } from "../validation/checks.js";

/** The profile fields a member event shows. */
const MEMBER_FIELDS = ["displayname", "avatar_url"] as const;

/** Reasons end up in member events; the event size limit is the real bound, this keeps it readable. */
export const MAX_REASON_LENGTH = 1024;

/** Keys of a /join body that are request parameters, not member event content. */
const JOIN_PARAMETERS = new Set(["membership", "third_party_signed"]);

/** The display name and avatar of a profile, or of a member event's content. */
export function profileFields(source: Record<string, unknown>): JsonObject {
  const content: JsonObject = {};
  for (const field of MEMBER_FIELDS) {
    const value = source[field];
    if (typeof value === "string" && value !== "") content[field] = value;
  }
  return content;
}

/**
 * The user's display name and avatar as member event content, as every join carries them
 * (clients show members by them without fetching profiles).
 */
export async function profileContent(profiles: ProfilesApi, userId: string): Promise<JsonObject> {
  return profileFields((await profiles.getProfile(userId)) ?? {});
}

/**
 * The member event content a /join body gives: `reason` and any key of the client's own (as
 * Synapse keeps them), with a display name or avatar for this room only. The fields the
 * spec types must have their types.
 */
export function joinContent(body: Record<string, unknown>): JsonObject {
  optionalBoundedString(body, "reason", MAX_REASON_LENGTH);
  for (const field of MEMBER_FIELDS) {
    if (body[field] !== undefined && body[field] !== null && typeof body[field] !== "string") throw badJson(`${field} must be a string`);
  }
  const content: JsonObject = {};
  for (const [key, value] of Object.entries(body)) if (!JOIN_PARAMETERS.has(key)) content[key] = value as JsonObject[string];
  return content;
}
