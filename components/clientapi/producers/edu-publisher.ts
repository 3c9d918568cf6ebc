import type { EventLog } from "../../internal/eventlog/eventlog.js";
import { STREAMS } from "../../internal/eventlog/streams.js";
import { subjectToken } from "../../internal/eventlog/subjects.js";
import type { Receipt, TypingNotice } from "../api/edus.js";
import { encodeAccountData, encodeReceipt, encodeTyping } from "../codecs/edus.js";

/**
 * Announces what clients change outside room events to the readers (syncapi, federation
 * out): typing and receipts on per-room subjects, account data on per-user subjects, so a
 * reader sees one room's (or user's) changes in order.
 */
export class EduPublisher {
  constructor(private readonly log: EventLog) {}

  async typing(notice: TypingNotice): Promise<void> {
    await this.log.publish(`${STREAMS.outputTypingEvent}.${subjectToken(notice.roomId)}`, encodeTyping(notice));
  }

  async receipt(receipt: Receipt): Promise<void> {
    await this.log.publish(`${STREAMS.outputReceiptEvent}.${subjectToken(receipt.roomId)}`, encodeReceipt(receipt));
  }

  async accountData(userId: string, roomId: string | undefined, type: string, content: Record<string, unknown>): Promise<void> {
    await this.log.publish(`${STREAMS.outputClientData}.${subjectToken(userId)}`, encodeAccountData({ userId, roomId, type, content }));
  }
}
