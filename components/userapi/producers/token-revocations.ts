import type { EventLog } from "../../internal/eventlog/eventlog.js";
import { STREAMS } from "../../internal/eventlog/streams.js";
import { subjectToken } from "../../internal/eventlog/subjects.js";
import type { TokenRevocation } from "../api/log-messages.js";
import { encodeTokenRevocation } from "../codecs/token-revocation.js";

/**
 * Publishes revoked access tokens' hashes on OutputTokenRevocation.<user>, which every token
 * cache follows (consumers/token-revocations.ts); devices/token-revocations.ts says when.
 */
export class TokenRevocationProducer {
  constructor(private readonly log: EventLog) {}

  async publish(revocation: TokenRevocation): Promise<void> {
    const subject = `${STREAMS.outputTokenRevocation}.${subjectToken(revocation.userId)}`;
    await this.log.publish(subject, encodeTokenRevocation(revocation));
  }
}
