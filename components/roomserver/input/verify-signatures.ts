import { type ProtocolEvent, requiredSignatureServers, verifyEventSignature } from "../../protocol/index.js";
import type { KeyProvider } from "../api/keys.js";
import { InvalidInput } from "./invalid-input.js";

/**
 * The checks on receipt of a PDU: every server that must have signed the event (its
 * sender's, and others the room version names) has a signature that verifies with a key
 * we know. The signatures cover the redacted event, so they hold even if the content hash
 * does not.
 */
export async function verifySignatures(event: ProtocolEvent, keys: KeyProvider): Promise<void> {
  const signatures = (event.json.signatures ?? {}) as Record<string, Record<string, string> | undefined>;
  for (const server of requiredSignatureServers(event)) {
    const byKey = signatures[server];
    if (!byKey || typeof byKey !== "object") throw new InvalidInput(`event is not signed by ${server}`);
    let verified = false;
    for (const keyId of Object.keys(byKey)) {
      if (!keyId.startsWith("ed25519:")) continue;
      const key = await keys.verifyKey(server, keyId, event.originServerTs);
      if (key && verifyEventSignature(event.json, event.roomVersion, server, keyId, key)) {
        verified = true;
        break;
      }
    }
    if (!verified) throw new InvalidInput(`no signature of ${server} on the event verifies with a known key`);
  }
}
