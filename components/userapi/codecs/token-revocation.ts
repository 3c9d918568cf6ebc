import { TokenRevocation as TokenRevocationMessage } from "../../../proto/gen/dendrite/userapi/v1/token_revocation.js";
import type { TokenRevocation } from "../api/log-messages.js";

/** OutputTokenRevocation's bytes: the userapi.v1 TokenRevocation message. */
export function encodeTokenRevocation({ userId, tokenHashes }: TokenRevocation): Uint8Array {
  return TokenRevocationMessage.encode({ userId, tokenHashes: tokenHashes.map((h) => Buffer.from(h)) }).finish();
}

/** Throws on bytes that are no TokenRevocation. */
export function decodeTokenRevocation(data: Uint8Array): TokenRevocation {
  const { userId, tokenHashes } = TokenRevocationMessage.decode(data);
  return { userId, tokenHashes };
}
