import type { JsonObject } from "../../protocol/events/event.js";
import type { ProfilesApi } from "../../userapi/api/userapi.js";

/** The profile fields a member event shows. */
const MEMBER_FIELDS = ["displayname", "avatar_url"] as const;

/**
 * The user's display name and avatar as member event content, as every join carries them
 * (clients show members by them without fetching profiles).
 */
export async function profileContent(profiles: ProfilesApi, userId: string): Promise<JsonObject> {
  const profile = (await profiles.getProfile(userId)) ?? {};
  const content: JsonObject = {};
  for (const field of MEMBER_FIELDS) {
    const value = profile[field];
    if (typeof value === "string" && value !== "") content[field] = value;
  }
  return content;
}
