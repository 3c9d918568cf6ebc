import { type JsonObject, type RoomVersion, isJsonObject, stateKeyOf } from "../../protocol/index.js";
import type { CreateRoomRequest, InitialStateEvent } from "./create-room-request.js";
import type { EventSketch } from "../api/event-builder.js";
import { MEMBER } from "./member-events.js";
import { createContent, defaultPowerLevels, PRESET_RULES } from "./room-presets.js";

/**
 * The events a createRoom request implies, in the order the C-S spec (v1.16) prescribes:
 * create, the creator's join (with `creatorContent`: their display name and avatar), power
 * levels, canonical alias, the preset's events, initial state, name and topic, invites.
 * Where the spec is silent this follows Synapse: an m.room.power_levels in initial_state
 * replaces the generated one (the override then does not apply), and initial_state
 * suppresses the canonical alias and preset events it sets. Initial state that name or
 * topic would overwrite is left out rather than sent twice.
 */
export function createRoomEvents(
  creator: string,
  request: CreateRoomRequest,
  alias: string | undefined,
  creatorContent: JsonObject = {},
): EventSketch[] {
  const { version, preset } = request;
  const rules = PRESET_RULES[preset];
  const state = (type: string, content: JsonObject, stateKey = ""): EventSketch => ({
    type,
    sender: creator,
    state_key: stateKey,
    content,
  });

  const initial = latestByKey(request.initialState);
  const given = (type: string) => initial.get(stateKeyOf(type, ""))?.content;
  const takeGiven = (type: string) => {
    const content = given(type);
    initial.delete(stateKeyOf(type, ""));
    return content;
  };

  const create = createContent(version, preset, creator, request.creationContent, request.invite);
  const events: EventSketch[] = [
    state("m.room.create", create),
    state(MEMBER, { ...creatorContent, membership: "join" }, creator),
    state(
      "m.room.power_levels",
      takeGiven("m.room.power_levels") ?? {
        ...defaultPowerLevels(version, preset, creator, request.invite),
        ...overrideWithoutCreators(request.powerLevelContentOverride, version, creator, create),
      },
    ),
  ];
  if (alias !== undefined && given("m.room.canonical_alias") === undefined) events.push(state("m.room.canonical_alias", { alias }));
  if (given("m.room.join_rules") === undefined) events.push(state("m.room.join_rules", { join_rule: rules.joinRule }));
  if (given("m.room.history_visibility") === undefined) {
    events.push(state("m.room.history_visibility", { history_visibility: rules.historyVisibility }));
  }
  if (given("m.room.guest_access") === undefined) events.push(state("m.room.guest_access", { guest_access: rules.guestAccess }));

  if (request.name !== undefined) initial.delete(stateKeyOf("m.room.name", ""));
  if (request.topic !== undefined) initial.delete(stateKeyOf("m.room.topic", ""));
  for (const e of initial.values()) events.push(state(e.type, e.content, e.stateKey));

  if (request.name !== undefined) events.push(state("m.room.name", { name: request.name }));
  if (request.topic !== undefined) events.push(state("m.room.topic", topicContent(request.topic)));
  for (const invitee of request.invite) {
    const content: JsonObject = { membership: "invite" };
    if (request.isDirect) content["is_direct"] = true;
    events.push(state(MEMBER, content, invitee));
  }
  return events;
}

/**
 * The request's power level override. From v12 the creators have power by being creators
 * and must not be listed; clients written for earlier versions often list the creator at
 * 100 (right there, invalid here), so creators are left out of the override's users rather
 * than the whole request refused. A power levels event in initial_state is taken as given.
 */
function overrideWithoutCreators(
  override: JsonObject | undefined,
  version: RoomVersion,
  creator: string,
  create: JsonObject,
): JsonObject | undefined {
  const users = override?.["users"];
  if (!version.privilegedCreators || !isJsonObject(users)) return override;
  const extra = create["additional_creators"];
  const creators = new Set([creator, ...(Array.isArray(extra) ? extra : [])]);
  return { ...override, users: Object.fromEntries(Object.entries(users).filter(([user]) => !creators.has(user))) };
}

/** The topic as plain text, in `topic` for older clients and as an m.topic block (v1.15+). */
export function topicContent(topic: string): JsonObject {
  return { topic, "m.topic": { "m.text": [{ mimetype: "text/plain", body: topic }] } };
}

/** initial_state by (type, state_key): a repeated key keeps its first place and its last content. */
function latestByKey(entries: readonly InitialStateEvent[]): Map<string, InitialStateEvent> {
  const byKey = new Map<string, InitialStateEvent>();
  for (const e of entries) byKey.set(stateKeyOf(e.type, e.stateKey), e);
  return byKey;
}
