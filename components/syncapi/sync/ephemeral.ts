import type { ReceiptRow } from "../storage/receipts.js";

type Json = Record<string, unknown>;

/** The m.receipt event of a room from its changed receipts; private receipts only for their owner. */
export function receiptEvent(rows: readonly ReceiptRow[], viewer: string): Json | null {
  const content: Record<string, Record<string, Record<string, Json>>> = {};
  for (const r of rows) {
    if (r.receiptType === "m.read.private" && r.userId !== viewer) continue;
    const byType = (content[r.eventId] ??= {});
    const byUser = (byType[r.receiptType] ??= {});
    byUser[r.userId] = r.threadId ? { ts: r.ts, thread_id: r.threadId } : { ts: r.ts };
  }
  return Object.keys(content).length ? { type: "m.receipt", content } : null;
}

export function typingEvent(userIds: readonly string[]): Json {
  return { type: "m.typing", content: { user_ids: userIds } };
}
