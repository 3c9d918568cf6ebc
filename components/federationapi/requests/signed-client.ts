import { signXMatrixRequest, type JsonValue, type SigningKey } from "../../protocol/index.js";
import type { FederationClient } from "./federation-client.js";

/**
 * Authenticated requests to other servers: each is signed with X-Matrix over (method,
 * path and query as sent, our name, the destination's server name, the body), the
 * destination named in the header too (spec v1.3+). Discovery, TLS and the refusal of
 * private destinations are the FederationClient's.
 */
export class SignedFederationClient {
  constructor(
    private readonly client: FederationClient,
    private readonly ourServerName: string,
    private readonly signingKey: SigningKey,
  ) {}

  /** `path` is the request target as it goes on the wire: percent-encoded, with its query. */
  request(destination: string, method: string, path: string, body?: JsonValue): Promise<unknown> {
    const authorization = signXMatrixRequest(
      { method, uri: path, origin: this.ourServerName, destination, content: body },
      this.signingKey,
    );
    return this.client.requestJson(destination, method, path, { body, headers: { authorization } });
  }
}
