import { randomUUID } from "node:crypto";
import type { AuthenticatedUser } from "../../internal/http/auth.js";
import { encodeCanonicalJson, stateKeyOf } from "../../protocol/index.js";
import type { EventSketch, RoomEventBuilder } from "../../roomserver/api/event-builder.js";
import { SingleFlight } from "./single-flight.js";

/** A client request that may be retried with the same transaction ID: PUT /send and /redact. */
export interface ClientTransaction {
  readonly endpoint: "send" | "redact";
  readonly txnId: string;
}

/**
 * Sends the events clients ask for. Messages and redactions go to the roomserver as
 * templates it completes at the room's edge and checks against the auth rules (a refusal
 * is 403 M_FORBIDDEN and nothing is stored); the client's transaction ID names the
 * template, so a retry, even through another replica or after a restart, is answered with
 * the first event. State events are built here, to compare them with the current state.
 */
export class RoomWriter {
  private readonly flights = new SingleFlight<string>();

  constructor(readonly builder: RoomEventBuilder) {}

  /** Sends an event at the room's edge; returns its ID. */
  async send(user: AuthenticatedUser, roomId: string, sketch: EventSketch, txn: ClientTransaction): Promise<string> {
    // The spec scopes transaction IDs to the device and the request's path.
    const templateId = JSON.stringify([user.userId, user.deviceId, txn.endpoint, roomId, txn.txnId]);
    const transactionId = { userId: user.userId, deviceId: user.deviceId, transactionId: txn.txnId };
    // Concurrent duplicates here share one input; the roomserver answers later ones.
    return this.flights.run(templateId, () => this.builder.sendTemplate(roomId, sketch, templateId, transactionId));
  }

  /**
   * Sends an event a client gave no transaction ID for (POST /send, which Synapse still
   * serves): a retry is a new event, as there. The template still gets a name of its own, so
   * the input log's redelivery makes one event of it.
   */
  sendUnnamed(roomId: string, sketch: EventSketch): Promise<string> {
    return this.builder.sendTemplate(roomId, sketch, JSON.stringify([sketch.sender, "unnamed", roomId, randomUUID()]));
  }

  /**
   * A state event, unless it repeats the current one (same sender and content): then the
   * current event is the answer, as in Synapse, so a client re-setting a name adds nothing.
   */
  async sendState(roomId: string, sketch: EventSketch): Promise<string> {
    const stateKey = sketch.state_key ?? "";
    const position = await this.builder.positionIn(roomId, sketch, [{ type: sketch.type, stateKey }]);
    const current = position.state.get(stateKeyOf(sketch.type, stateKey));
    if (current && current.sender === sketch.sender && encodeCanonicalJson(current.content) === encodeCanonicalJson(sketch.content)) {
      return current.eventId;
    }
    return (await this.builder.sendAt(position, sketch)).eventId;
  }
}
