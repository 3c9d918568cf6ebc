import { isJsonObject, stateKeyOf, type JsonObject, type RoomEvent, type StateMap } from "../events/event.js";
import { ROOM_VERSIONS, type RoomVersion } from "../roomversions.js";
import { CREATE, JOIN_RULES, MEMBER, POWER_LEVELS, THIRD_PARTY_INVITE, stringField } from "./state-view.js";

/**
 * The spec's "auth events selection" (server-server API): which state an event's
 * auth_events are drawn from. Used both to build new events and to check received ones.
 */

/** What selection needs of an event: enough to build one before it has an ID. */
export interface AuthEventsTemplate {
  readonly type: string;
  readonly sender: string;
  readonly stateKey?: string | undefined;
  readonly content: JsonObject;
}

export interface StateTuple {
  readonly type: string;
  readonly stateKey: string;
}

/** The (type, state_key) pairs the auth events of this event may have; [] for a create event. */
export function authEventTypesNeeded(template: AuthEventsTemplate, version: RoomVersion): StateTuple[] {
  if (template.type === CREATE) return [];
  const needed: StateTuple[] = [];
  // v12+: the room ID is the create event's ID, so the create event must not be listed.
  if (!version.roomIdFromCreateEvent) needed.push({ type: CREATE, stateKey: "" });
  needed.push({ type: POWER_LEVELS, stateKey: "" });
  needed.push({ type: MEMBER, stateKey: template.sender });

  if (template.type === MEMBER && template.stateKey !== undefined) {
    const target = template.stateKey;
    if (target !== template.sender) needed.push({ type: MEMBER, stateKey: target });
    const membership = stringField(template.content, "membership");
    if (membership === "join" || membership === "invite" || membership === "knock") {
      needed.push({ type: JOIN_RULES, stateKey: "" });
    }
    if (membership === "invite") {
      const token = thirdPartyInviteToken(template.content);
      if (token !== undefined) needed.push({ type: THIRD_PARTY_INVITE, stateKey: token });
    }
    if (membership === "join" && version.restrictedJoinRule) {
      const via = stringField(template.content, "join_authorised_via_users_server");
      if (via !== undefined && !needed.some((t) => t.type === MEMBER && t.stateKey === via)) {
        needed.push({ type: MEMBER, stateKey: via });
      }
    }
  }
  return needed;
}

/**
 * The state the auth rules read to check this event: its auth events selection plus, in
 * every room version, the m.room.create event. From v12 the room ID names the create event,
 * so it is not among the auth events, but the rules still read it (the creators, m.federate).
 * What a builder or checker loads; selectAuthEvents picks what the event lists.
 */
export function authStateNeeded(template: AuthEventsTemplate, version: RoomVersion): StateTuple[] {
  if (template.type === CREATE) return [];
  const needed = authEventTypesNeeded(template, version);
  return needed.some((t) => t.type === CREATE) ? needed : [CREATE_TUPLE, ...needed];
}

/**
 * authStateNeeded for a room whose version the caller learns only with the answer (a writer
 * asking the roomserver for the state to build on): what any version would read.
 */
export function authStateNeededInAnyVersion(template: AuthEventsTemplate): StateTuple[] {
  const byKey = new Map<string, StateTuple>();
  for (const version of ROOM_VERSIONS.values()) {
    for (const t of authStateNeeded(template, version)) byKey.set(stateKeyOf(t.type, t.stateKey), t);
  }
  return [...byKey.values()];
}

const CREATE_TUPLE: StateTuple = { type: CREATE, stateKey: "" };

/** content.third_party_invite.signed.token when it is a string. */
export function thirdPartyInviteToken(content: JsonObject): string | undefined {
  const tpi = content["third_party_invite"];
  if (!isJsonObject(tpi)) return undefined;
  const signed = tpi["signed"];
  return isJsonObject(signed) ? stringField(signed, "token") : undefined;
}

/** The auth events for a new event, picked from the room state before it (those present). */
export function selectAuthEvents(state: StateMap, template: AuthEventsTemplate, version: RoomVersion): RoomEvent[] {
  const out: RoomEvent[] = [];
  for (const t of authEventTypesNeeded(template, version)) {
    const ev = state.get(stateKeyOf(t.type, t.stateKey));
    if (ev) out.push(ev);
  }
  return out;
}
