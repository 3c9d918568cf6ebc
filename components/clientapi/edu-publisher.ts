import type { EventLog } from "../internal/eventlog/eventlog.js";
import { STREAMS } from "../internal/eventlog/streams.js";
import { subjectToken } from "../internal/eventlog/subjects.js";
import { AccountDataEvent, ReceiptEvent, TypingEvent } from "../../proto/gen/dendrite/edu/v1/edu.js";

/**
 * Announces what clients change outside room events to the readers (syncapi, federation
 * out): typing and receipts on per-room subjects, account data on per-user subjects, so a
 * reader sees one room's (or user's) changes in order.
 */
export class EduPublisher {
  constructor(private readonly log: EventLog) {}

  async typing(event: TypingEvent): Promise<void> {
    await this.log.publish(`${STREAMS.outputTypingEvent}.${subjectToken(event.roomId)}`, TypingEvent.encode(event).finish());
  }

  async receipt(event: ReceiptEvent): Promise<void> {
    await this.log.publish(`${STREAMS.outputReceiptEvent}.${subjectToken(event.roomId)}`, ReceiptEvent.encode(event).finish());
  }

  async accountData(userId: string, roomId: string | undefined, type: string, content: Record<string, unknown>): Promise<void> {
    const event: AccountDataEvent = { userId, roomId: roomId ?? "", type, contentJson: Buffer.from(JSON.stringify(content)) };
    await this.log.publish(`${STREAMS.outputClientData}.${subjectToken(userId)}`, AccountDataEvent.encode(event).finish());
  }
}
