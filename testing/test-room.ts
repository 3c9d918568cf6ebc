import { selectAuthEvents } from "../components/protocol/auth/index.js";
import type { SigningKey } from "../components/protocol/crypto/keys.js";
import { stateKeyOf, type JsonObject, type RoomEvent } from "../components/protocol/events/event.js";
import { buildEvent } from "../components/protocol/events/build.js";
import type { ProtocolEvent } from "../components/protocol/events/protocolevent.js";
import { roomVersion, type RoomVersion } from "../components/protocol/roomversions.js";

export interface BuildOptions {
  /** prev_events; the room's current extremities by default. */
  prevs?: readonly RoomEvent[];
  /** The state auth events are chosen from; the test room's own state by default. */
  state?: ReadonlyMap<string, RoomEvent>;
  /** Keep the room's own state and extremities as they are (for forks and bad events). */
  detached?: boolean;
  originServerTs?: number;
}

/**
 * Builds a room's events as a client-side writer would, signed with the test server's key:
 * tracks the room's state and extremities so each new event gets the right auth and prev
 * events. Forks are built by passing explicit prevs and state.
 */
export class TestRoom {
  readonly version: RoomVersion;
  state = new Map<string, RoomEvent>();
  latest: RoomEvent[] = [];
  roomId = "";
  private clock = 1_700_000_000_000;

  constructor(
    readonly serverName: string,
    readonly key: SigningKey,
    version = "11",
    private readonly idSuffix = Math.random().toString(36).slice(2, 10),
  ) {
    this.version = roomVersion(version);
  }

  user(localpart: string): string {
    return `@${localpart}:${this.serverName}`;
  }

  build(
    template: { type: string; sender: string; state_key?: string; content: JsonObject; redacts?: string },
    options: BuildOptions = {},
  ): ProtocolEvent {
    const state = options.state ?? this.state;
    const authEvents =
      template.type === "m.room.create"
        ? []
        : selectAuthEvents(state as Map<string, RoomEvent>, { ...template, stateKey: template.state_key }, this.version).filter(
            (e) => !(this.version.roomIdFromCreateEvent && e.type === "m.room.create"),
          );
    const prevs = options.prevs ?? this.latest;
    const event = buildEvent(
      {
        ...template,
        room_id:
          template.type === "m.room.create" && this.version.roomIdFromCreateEvent
            ? undefined
            : this.roomId || `!${this.idSuffix}:${this.serverName}`,
      },
      {
        roomVersion: this.version,
        prevEvents: prevs,
        authEvents,
        origin: this.serverName,
        keyId: this.key.keyId,
        privateKey: this.key,
        originServerTs: options.originServerTs ?? this.clock++,
      },
    );
    if (!this.roomId) this.roomId = event.roomId;
    if (!options.detached) {
      this.latest = [event];
      if (event.stateKey !== undefined) this.state.set(stateKeyOf(event.type, event.stateKey), event);
    }
    return event;
  }

  create(creator: string, content: JsonObject = {}): ProtocolEvent {
    const body: JsonObject = { room_version: this.version.id, ...content };
    if (!this.version.implicitRoomCreator) body.creator = creator;
    return this.build({ type: "m.room.create", sender: creator, state_key: "", content: body });
  }

  member(sender: string, target: string, membership: string, options: BuildOptions = {}): ProtocolEvent {
    return this.build({ type: "m.room.member", sender, state_key: target, content: { membership } }, options);
  }

  join(user: string, options: BuildOptions = {}): ProtocolEvent {
    return this.member(user, user, "join", options);
  }

  stateEvent(sender: string, type: string, content: JsonObject, options: BuildOptions = {}, stateKey = ""): ProtocolEvent {
    return this.build({ type, sender, state_key: stateKey, content }, options);
  }

  message(sender: string, body: string, options: BuildOptions = {}): ProtocolEvent {
    return this.build({ type: "m.room.message", sender, content: { msgtype: "m.text", body } }, options);
  }

  /** The usual start of a room: create, creator joins, power levels, public join rules. */
  standardStart(creator: string, powerUsers: Record<string, number> = {}): ProtocolEvent[] {
    const users = this.version.privilegedCreators ? powerUsers : { [creator]: 100, ...powerUsers };
    return [
      this.create(creator),
      this.join(creator),
      this.stateEvent(creator, "m.room.power_levels", { users }),
      this.stateEvent(creator, "m.room.join_rules", { join_rule: "public" }),
      this.stateEvent(creator, "m.room.history_visibility", { history_visibility: "shared" }),
    ];
  }
}
