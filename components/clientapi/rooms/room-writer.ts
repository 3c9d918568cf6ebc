import type { AuthenticatedUser } from "../../internal/http/auth.js";
import { checkAuth } from "../../protocol/auth/index.js";
import { ProtocolError } from "../../protocol/errors.js";
import { stateKeyOf } from "../../protocol/events/event.js";
import { encodeCanonicalJson } from "../../protocol/json/canonical.js";
import type { EventSketch, RoomEventBuilder, RoomPosition } from "../../roomserver/api/event-builder.js";
import { PerformFailure } from "../../roomserver/api/perform-failure.js";
import type { TransactionKey, TransactionsTable } from "../storage/transactions-table.js";
import { SingleFlight } from "./single-flight.js";

/** A client request that may be retried with the same transaction ID: PUT /send and /redact. */
export interface ClientTransaction {
  readonly endpoint: "send" | "redact";
  readonly txnId: string;
}

/**
 * Sends the events clients ask for: built and signed here from the roomserver's build info,
 * checked against the room's auth rules first (a refusal is 403 M_FORBIDDEN and nothing is
 * sent), then input on the log, waiting for the roomserver's verdict.
 */
export class RoomWriter {
  private readonly flights = new SingleFlight<string>();

  constructor(
    readonly builder: RoomEventBuilder,
    private readonly transactions: TransactionsTable,
  ) {}

  /** Builds and sends an event on the room's current extremities; returns its ID. */
  async send(user: AuthenticatedUser, roomId: string, sketch: EventSketch, txn?: ClientTransaction): Promise<string> {
    if (!txn) return (await this.builder.send(roomId, sketch, undefined)).eventId;
    const key: TransactionKey = { userId: user.userId, deviceId: user.deviceId, roomId, ...txn };
    const flightKey = JSON.stringify([key.userId, key.deviceId, key.endpoint, key.roomId, key.txnId]);
    return this.flights.run(flightKey, () => this.sendOnce(key, sketch));
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

  /**
   * The transaction's event: the one on record if the transaction was seen, else a new one.
   * The transaction is claimed with the new event's ID before the event is input, so a retry
   * arriving at another replica meanwhile answers with that ID instead of sending again; a
   * claim is given back when the auth rules or the roomserver refuse the event.
   */
  private async sendOnce(key: TransactionKey, sketch: EventSketch): Promise<string> {
    const position: RoomPosition = await this.builder.positionIn(key.roomId, sketch);
    const event = this.builder.build(position, sketch);
    const recorded = await this.transactions.claim(key, event.eventId);
    if (recorded !== event.eventId) return recorded;
    try {
      checkAuth(event, position.state);
      await this.builder.submit(event, { userId: key.userId, deviceId: key.deviceId, transactionId: key.txnId });
    } catch (err) {
      // A timeout is not a refusal: the input stays in the log and is still applied.
      if (err instanceof PerformFailure || err instanceof ProtocolError) await this.transactions.release(key, event.eventId);
      throw err;
    }
    return event.eventId;
  }
}
