/**
 * Plain RoomEvent objects with made-up IDs for unit tests of auth rules, state resolution
 * and visibility, independent of the event builder, hashing and signing.
 */
import type { JsonObject, PduJson, RoomEvent, StateMap } from "../../../../components/protocol/events/event.js";
import { stateKeyOf } from "../../../../components/protocol/events/event.js";
import { roomVersion, type RoomVersion } from "../../../../components/protocol/roomversions.js";

let counter = 0;

export interface FakeEventInit {
  type: string;
  sender: string;
  stateKey?: string;
  content?: JsonObject;
  roomId?: string;
  eventId?: string;
  prevEventIds?: string[];
  authEventIds?: string[];
  redacts?: string;
  /** Extra or overriding top-level JSON (e.g. signatures). */
  json?: JsonObject;
  /** Leave room_id out of the JSON (v12 create events). */
  omitRoomIdInJson?: boolean;
}

function serverOf(userId: string): string {
  return userId.slice(userId.indexOf(":") + 1);
}

/** An event ID in the room version's style: "$n:server" for v1-v2, "$fakeN" for hashes. */
export function fakeEventId(version: RoomVersion, sender: string): string {
  counter += 1;
  return version.eventIdFormat === "v1" ? `$e${counter}:${serverOf(sender)}` : `$fake${counter}`;
}

export function fakeEvent(versionOrId: RoomVersion | string, init: FakeEventInit): RoomEvent {
  const version = typeof versionOrId === "string" ? roomVersion(versionOrId) : versionOrId;
  const eventId = init.eventId ?? fakeEventId(version, init.sender);
  const roomId = init.roomId ?? `!room:${serverOf(init.sender)}`;
  const content = init.content ?? {};
  const json: PduJson = {
    ...(init.omitRoomIdInJson ? {} : { room_id: roomId }),
    sender: init.sender,
    type: init.type,
    content,
    origin_server_ts: 1_700_000_000_000 + counter,
    depth: counter,
    prev_events: [...(init.prevEventIds ?? [])],
    auth_events: [...(init.authEventIds ?? [])],
    hashes: { sha256: "fake" },
    signatures: { [serverOf(init.sender)]: { "ed25519:fake": "fakesig" } },
    ...(init.stateKey !== undefined ? { state_key: init.stateKey } : {}),
    ...(init.json ?? {}),
  } as PduJson;
  return {
    eventId,
    roomVersion: version,
    roomId,
    type: init.type,
    stateKey: init.stateKey,
    sender: init.sender,
    content,
    originServerTs: json.origin_server_ts,
    depth: json.depth,
    prevEventIds: init.prevEventIds ?? [],
    authEventIds: init.authEventIds ?? [],
    redacts: init.redacts,
    json,
  };
}

/** A room whose state is kept by hand: events are added without any auth check. */
export class FakeRoom {
  readonly version: RoomVersion;
  readonly create: RoomEvent;
  readonly roomId: string;
  readonly state = new Map<string, RoomEvent>();
  lastEventId: string;

  constructor(
    versionId: string,
    readonly creator = "@alice:a.example",
    createContent: JsonObject = {},
  ) {
    this.version = roomVersion(versionId);
    const content: JsonObject = { room_version: versionId, ...createContent };
    if (!this.version.implicitRoomCreator && !("creator" in createContent)) content["creator"] = creator;
    if (this.version.roomIdFromCreateEvent) {
      const eventId = fakeEventId(this.version, creator);
      this.roomId = `!${eventId.slice(1)}`;
      this.create = fakeEvent(this.version, {
        type: "m.room.create",
        sender: creator,
        stateKey: "",
        content,
        eventId,
        roomId: this.roomId,
        omitRoomIdInJson: true,
      });
    } else {
      this.roomId = `!room:${serverOf(creator)}`;
      this.create = fakeEvent(this.version, { type: "m.room.create", sender: creator, stateKey: "", content, roomId: this.roomId });
    }
    this.state.set(stateKeyOf("m.room.create", ""), this.create);
    this.lastEventId = this.create.eventId;
  }

  /** A new event in this room after the last one, not added to the state. */
  event(init: FakeEventInit): RoomEvent {
    return fakeEvent(this.version, { roomId: this.roomId, prevEventIds: [this.lastEventId], ...init });
  }

  /** Makes an event and, without checking it, applies it to the state. */
  add(init: FakeEventInit): RoomEvent {
    const ev = this.event(init);
    if (ev.stateKey !== undefined) this.state.set(stateKeyOf(ev.type, ev.stateKey), ev);
    this.lastEventId = ev.eventId;
    return ev;
  }

  member(user: string, membership: string, extra: { sender?: string; content?: JsonObject } = {}): RoomEvent {
    return this.event({
      type: "m.room.member",
      sender: extra.sender ?? user,
      stateKey: user,
      content: { membership, ...(extra.content ?? {}) },
    });
  }

  setMember(user: string, membership: string, sender = user): RoomEvent {
    return this.add({ type: "m.room.member", sender, stateKey: user, content: { membership } });
  }

  setJoinRule(joinRule: string, extra: JsonObject = {}): RoomEvent {
    return this.add({ type: "m.room.join_rules", sender: this.creator, stateKey: "", content: { join_rule: joinRule, ...extra } });
  }

  setPowerLevels(content: JsonObject, sender = this.creator): RoomEvent {
    return this.add({ type: "m.room.power_levels", sender, stateKey: "", content });
  }

  /** A snapshot of the state, safe from later changes. */
  snapshot(): StateMap {
    return new Map(this.state);
  }
}

/** The creator joined, as every room starts. */
export function roomWithCreatorJoined(versionId: string, creator = "@alice:a.example", createContent: JsonObject = {}): FakeRoom {
  const room = new FakeRoom(versionId, creator, createContent);
  room.setMember(creator, "join");
  return room;
}

export const ALL_VERSIONS = Array.from({ length: 12 }, (_, i) => String(i + 1));
