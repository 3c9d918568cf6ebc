import type { RoomEvent, StateMap } from "../events/event.js";
import { roomIdFromCreateEventId } from "../events/ids.js";
import { AuthContext, deny, type AuthOptions } from "./context.js";
import { checkCreateEvent } from "./create-rules.js";
import { checkMemberEvent } from "./membership-rules.js";
import { checkPowerLevelsEvent } from "./power-level-rules.js";
import { ALIASES, CREATE, MEMBER, POWER_LEVELS, REDACTION, THIRD_PARTY_INVITE, getState, membershipOf } from "./state-view.js";
import { serverNameOf } from "../ids/grammar.js";

export type { AuthOptions } from "./context.js";

/**
 * The authorization rules of room versions 1-12 (spec: rooms/v1.md ... v12.md,
 * "Authorisation rules"), applied to `event` against `authState`: its auth events, the
 * state before it, or the current state, as the caller needs (the three checks on receipt
 * of a PDU). Returns if the event is allowed, throws ProtocolError("UNAUTHORISED") naming
 * the failed rule otherwise.
 *
 * `authState` must hold the m.room.create event, also in v12 where it is not among the
 * auth events: the caller adds it from the room ID (checkAuthEventsSelection does so).
 * Which auth events an event lists is checked separately, by checkAuthEventsSelection.
 */
export function checkAuth(event: RoomEvent, authState: StateMap, options: AuthOptions = {}): void {
  const version = event.roomVersion;
  if (event.type === CREATE) return checkCreateEvent(event);

  const create = getState(authState, CREATE);
  if (!create) deny("auth events", "no m.room.create event");
  if (version.roomIdFromCreateEvent) {
    // v12: the room ID is the create event's ID with the "!" sigil.
    if (event.roomId !== roomIdFromCreateEventId(create.eventId)) deny("room ID", "room_id is not the create event's ID");
  } else if (create.roomId !== event.roomId) {
    deny("auth events", "m.room.create belongs to another room");
  }

  // m.federate: false keeps the room to the creator's server.
  if (create.content["m.federate"] === false && serverNameOf(event.sender) !== serverNameOf(create.sender)) {
    deny("m.federate", "room does not federate and the sender is on another server");
  }

  const ctx = new AuthContext(event, authState, create, options);

  if (version.specialCasedAliasesAuth && event.type === ALIASES) return checkAliasesEvent(event);
  if (event.type === MEMBER) return checkMemberEvent(ctx);

  if (membershipOf(authState, event.sender) !== "join") deny("sender membership", "sender is not joined to the room");

  const senderLevel = ctx.power.userLevel(event.sender);
  if (event.type === THIRD_PARTY_INVITE) {
    if (senderLevel >= ctx.power.content.invite) return;
    deny("m.room.third_party_invite", "sender's power level is below the invite level");
  }

  const required = ctx.power.eventLevel(event.type, event.stateKey !== undefined);
  if (required > senderLevel) deny("power level", `sending ${event.type} needs ${required}, sender has ${senderLevel}`);

  if (event.stateKey !== undefined && event.stateKey.startsWith("@") && event.stateKey !== event.sender) {
    deny("state_key", "a state_key starting with @ may only be set by that user");
  }

  if (event.type === POWER_LEVELS) return checkPowerLevelsEvent(ctx);

  if (version.redactionAuthRule && event.type === REDACTION) return checkRedactionV1(ctx, senderLevel);
}

/** v1-v5: an aliases event is the sender's server speaking for its own aliases. */
function checkAliasesEvent(event: RoomEvent): void {
  if (event.stateKey === undefined) deny("m.room.aliases", "no state_key");
  if (serverNameOf(event.sender) !== event.stateKey) deny("m.room.aliases", "state_key is not the sender's server");
}

/**
 * v1-v2: a redaction needs the redact level, unless it redacts an event whose ID has the
 * same server as its own ID (a server redacting its own events).
 */
function checkRedactionV1(ctx: AuthContext, senderLevel: number): void {
  if (senderLevel >= ctx.power.content.redact) return;
  const redacts = ctx.event.redacts;
  const domain = redacts === undefined ? undefined : serverNameOf(redacts);
  if (domain !== undefined && domain === serverNameOf(ctx.event.eventId)) return;
  deny("m.room.redaction", "sender's power level is below the redact level");
}
