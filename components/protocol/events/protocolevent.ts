/**
 * The RoomEvent implementation that parseEvent and buildEvent return. It holds the event's
 * JSON and caches what is costly to recompute: the canonical text and the reference hash.
 * Its JSON must be treated as immutable: hashes and signatures cover it.
 */
import { encodeCanonicalJson } from "../json/canonical.js";
import type { RoomVersion } from "../roomversions.js";
import type { JsonObject, PduJson, RoomEvent } from "./event.js";
import { referenceHash } from "./hashes.js";

/** What parseEvent/buildEvent checked and derived from the JSON, apart from the IDs. */
export interface ProtocolEventFields {
  readonly stateKey: string | undefined;
  readonly originServerTs: number;
  readonly depth: number;
  readonly prevEventIds: readonly string[];
  readonly authEventIds: readonly string[];
  readonly redacts: string | undefined;
}

export class ProtocolEvent implements RoomEvent {
  readonly eventId: string;
  readonly roomId: string;
  readonly type: string;
  readonly stateKey: string | undefined;
  readonly sender: string;
  readonly content: JsonObject;
  readonly originServerTs: number;
  readonly depth: number;
  readonly prevEventIds: readonly string[];
  readonly authEventIds: readonly string[];
  readonly redacts: string | undefined;
  private canonical: string | undefined;
  private refHash: Buffer | undefined;

  constructor(
    readonly json: Readonly<PduJson>,
    readonly roomVersion: RoomVersion,
    eventId: string,
    roomId: string,
    // Passed apart from the IDs so callers need no `{ ...fields, eventId }` copy: an object
    // spread with extra keys costs about a microsecond, a measurable share of buildEvent.
    fields: ProtocolEventFields,
    canonical?: string,
    refHash?: Buffer,
  ) {
    this.eventId = eventId;
    this.roomId = roomId;
    this.type = json.type;
    this.stateKey = fields.stateKey;
    this.sender = json.sender;
    this.content = json.content;
    this.originServerTs = fields.originServerTs;
    this.depth = fields.depth;
    this.prevEventIds = fields.prevEventIds;
    this.authEventIds = fields.authEventIds;
    this.redacts = fields.redacts;
    this.canonical = canonical;
    this.refHash = refHash;
  }

  /** The event as canonical JSON text: what to store and send. */
  canonicalJson(): string {
    return (this.canonical ??= encodeCanonicalJson(this.json));
  }

  /** The raw sha256 reference hash (names the event; v1-v2 prev/auth references carry it). */
  referenceHash(): Buffer {
    return (this.refHash ??= referenceHash(this.json, this.roomVersion));
  }

  isState(): boolean {
    return this.stateKey !== undefined;
  }
}

/** The reference hash of any RoomEvent, cached when it is a ProtocolEvent. */
export function referenceHashOf(event: RoomEvent): Buffer {
  return event instanceof ProtocolEvent ? event.referenceHash() : referenceHash(event.json, event.roomVersion);
}
