import {
  type AuthEventsTemplate,
  type EventReference,
  type JsonObject,
  MAX_PREV_EVENTS,
  ProtocolError,
  type ProtocolEvent,
  type RoomEvent,
  type RoomVersion,
  type SigningKey,
  type StateKey,
  type StateTuple,
  authStateNeededInAnyVersion,
  buildEvent,
  checkAuth,
  encodeCanonicalJson,
  roomVersion,
  selectAuthEvents,
} from "../../protocol/index.js";
import type { EventLog } from "../../internal/eventlog/eventlog.js";
import type { InputVerdict, TransactionId } from "./input.js";
import { submitEvent, submitTemplate } from "../producers/input-producer.js";
import type { RoomserverWriterApi } from "./roomserver-api.js";
import { forbidden, PerformFailure, roomNotKnown } from "./perform-failure.js";
import { stateMapOf } from "./stored-events.js";

/** What the perform operations decide about an event; the builder adds the rest. */
export interface EventSketch {
  readonly type: string;
  readonly sender: string;
  readonly state_key?: string;
  readonly content: JsonObject;
  /** The redacted event, for m.room.redaction (the builder puts it where the room version wants it). */
  readonly redacts?: string;
}

/** Where a new event goes: its room, prev events, depth, and the state its auth events come from. */
export interface RoomPosition {
  readonly version: RoomVersion;
  /** "" only before a v12 room's create event, which derives the ID. */
  roomId: string;
  prevEvents: EventReference[];
  depth: number;
  /** At least the auth state of the event to build (the whole state while creating a room). */
  readonly state: Map<StateKey, RoomEvent>;
}

/** What a builder signs with and sends through: the same for the roomserver and the writers. */
export interface EventBuilderDeps {
  readonly serverName: string;
  readonly signingKey: SigningKey;
  readonly log: EventLog;
  readonly writer: Pick<RoomserverWriterApi, "queryBuildInfo">;
}

/**
 * Builds events signed with this server's key and inputs them as any writer does: on the
 * input log, waiting for the roomserver's verdict. An event the auth rules reject becomes a
 * 403 M_FORBIDDEN carrying the rule's reason. Public so that the roomserver's perform
 * operations and the client API writers build events one way.
 */
export class RoomEventBuilder {
  constructor(private readonly deps: EventBuilderDeps) {}

  get serverName(): string {
    return this.deps.serverName;
  }

  /** Builds an event on the room's forward extremities and inputs it. */
  async send(roomId: string, sketch: EventSketch, transactionId?: TransactionId): Promise<ProtocolEvent> {
    return this.sendAt(await this.positionIn(roomId, sketch), sketch, transactionId);
  }

  /**
   * Builds an event at `position`, checks it against the position's state and inputs it.
   * The check comes first so that a request the auth rules forbid (a ProtocolError,
   * answered 403 M_FORBIDDEN) leaves no rejected event in the room.
   */
  async sendAt(position: RoomPosition, sketch: EventSketch, transactionId?: TransactionId): Promise<ProtocolEvent> {
    const event = this.buildChecked(position, sketch);
    await this.submit(event, transactionId);
    return event;
  }

  /** Builds an event at `position` and checks it against the position's state (ProtocolError "UNAUTHORISED" if refused). */
  buildChecked(position: RoomPosition, sketch: EventSketch): ProtocolEvent {
    const event = this.build(position, sketch);
    checkAuth(event, position.state);
    return event;
  }

  /** Whether the auth rules would allow `sketch` at `position`. */
  permits(position: RoomPosition, sketch: EventSketch): boolean {
    try {
      checkAuth(this.build(position, sketch), position.state);
      return true;
    } catch (err) {
      if (err instanceof ProtocolError) return false;
      throw err;
    }
  }

  /**
   * The room's forward extremities and the current state `sketch`'s auth events come from,
   * plus any state in `alsoNeeded` the caller wants to look at.
   * Throws 404 M_NOT_FOUND for a room this server does not know.
   */
  async positionIn(roomId: string, sketch: EventSketch, alsoNeeded: readonly StateTuple[] = []): Promise<RoomPosition> {
    // The version is unknown until the answer comes: ask for what any version's rules read.
    const needed = [...authStateNeededInAnyVersion(templateOf(sketch)), ...alsoNeeded];
    const info = await this.deps.writer.queryBuildInfo({ roomId, stateNeeded: needed });
    if (!info.roomExists) throw roomNotKnown(roomId);
    const version = roomVersion(info.roomVersion);
    const state = stateMapOf(info.stateEvents);
    // Busy rooms (many writers at once) can have more forward extremities than an event may
    // cite. The oldest are cited, so every extremity is merged in turn instead of lingering.
    const prevEvents = info.prevEvents.slice(0, MAX_PREV_EVENTS);
    return { version, roomId, prevEvents, depth: info.depth, state };
  }

  /** Builds and signs an event at `position`, its auth events selected from the position's state. */
  build(position: RoomPosition, sketch: EventSketch): ProtocolEvent {
    return buildAt(position, sketch, this.serverName, this.deps.signingKey);
  }

  /** Inputs an event and waits for the verdict; anything but acceptance throws a PerformFailure. */
  async submit(event: ProtocolEvent, transactionId?: TransactionId): Promise<void> {
    const verdict = await submitEvent(this.deps.log, event, { origin: this.serverName, transactionId });
    acceptedOrThrow(verdict, event.type);
  }

  /**
   * Has the roomserver complete and input `sketch` at the room's edge as it stands when the
   * input is applied (no state query first; concurrent sends chain instead of forking).
   * `templateId` names the request across retries: it becomes one event at most. Returns
   * the event's ID; a refusal (unknown room, forbidden, too large) throws a PerformFailure.
   */
  async sendTemplate(roomId: string, sketch: EventSketch, templateId: string, transactionId?: TransactionId): Promise<string> {
    const template = {
      roomId,
      type: sketch.type,
      sender: sketch.sender,
      stateKey: sketch.state_key,
      contentJson: encodeCanonicalJson(sketch.content),
      redacts: sketch.redacts ?? "",
      templateId,
    };
    const verdict = await submitTemplate(this.deps.log, template, { origin: this.serverName, transactionId });
    if (verdict.refusal) throw new PerformFailure(verdict.refusal.errcode, verdict.refusal.message, verdict.refusal.httpStatus);
    acceptedOrThrow(verdict, sketch.type);
    return verdict.eventId;
  }
}

/** Anything but acceptance throws a PerformFailure. */
function acceptedOrThrow(verdict: InputVerdict, type: string): void {
  if (verdict.outcome === "rejected") throw forbidden(verdict.reason);
  if (verdict.outcome !== "accepted") {
    // Our own events are built from the roomserver's state: refusing one is a server fault.
    throw new PerformFailure("M_UNKNOWN", `the roomserver refused ${type}: ${verdict.reason}`, 500);
  }
  // Possible only when the state changed between reading it and the event's arrival.
  if (verdict.softFailed) throw forbidden(`${type} is not allowed by the room's current state`);
}

/**
 * Builds and signs an event at `position` as `origin`, its auth events selected from the
 * position's state: for the builder here and the roomserver's completion of templates.
 */
export function buildAt(position: RoomPosition, sketch: EventSketch, origin: string, signingKey: SigningKey): ProtocolEvent {
  const { version } = position;
  return buildEvent(
    { ...sketch, room_id: position.roomId === "" ? undefined : position.roomId },
    {
      roomVersion: version,
      prevEvents: position.prevEvents,
      authEvents: selectAuthEvents(position.state, templateOf(sketch), version),
      depth: position.depth,
      origin,
      keyId: signingKey.keyId,
      privateKey: signingKey,
    },
  );
}

/** What the auth rules look at of a sketch. */
export function templateOf(sketch: EventSketch): AuthEventsTemplate {
  return { type: sketch.type, sender: sketch.sender, stateKey: sketch.state_key, content: sketch.content };
}
