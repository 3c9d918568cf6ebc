import { DuplicateMessageError, REPLY_TO_HEADER, type PublishOptions, type PublishResult } from "./eventlog.js";

/** A reply subject and the promise of the one answer sent to it. */
export interface PendingReply {
  subject: string;
  reply: Promise<Uint8Array>;
  cancel(): void;
}

/**
 * publishAndWait for both logs: publishes with the reply subject in a header and returns
 * the answer's promise; a publish that fails or is dropped as a duplicate cancels the wait.
 */
export async function publishAwaitingReply(
  publish: (subject: string, data: Uint8Array, options: PublishOptions) => Promise<PublishResult>,
  subject: string,
  data: Uint8Array,
  pending: PendingReply,
  options: PublishOptions,
): Promise<Uint8Array> {
  try {
    const published = await publish(subject, data, { ...options, headers: { ...options.headers, [REPLY_TO_HEADER]: pending.subject } });
    if (published.duplicate) throw new DuplicateMessageError(subject, published.seq);
  } catch (err) {
    pending.cancel();
    pending.reply.catch(() => {});
    throw err;
  }
  return pending.reply;
}
