import { MatrixError } from "../../internal/http/matrix-error.js";
import { parseXMatrixHeader, ProtocolError, verifyXMatrixRequest, type JsonValue, type XMatrixAuth } from "../../protocol/index.js";
import type { ServerKeyRing } from "../api/keys.js";

const unauthorized = (message: string) => new MatrixError(401, "M_UNAUTHORIZED", message);

export interface InboundRequest {
  readonly method: string;
  /** The raw request target as received (path and query, still percent-encoded). */
  readonly uri: string;
  /** Every Authorization header of the request. */
  readonly authorization: readonly string[];
  /** The parsed JSON body, when the request had one. */
  readonly content: JsonValue | undefined;
}

/**
 * The X-Matrix check of every authenticated federation endpoint (spec: "Request
 * Authentication"): an X-Matrix header addressed to us, signed over (method, uri, origin,
 * destination, content) with a current key of the origin, fetched through the key ring.
 * A sender may send several headers (one per key); one that verifies is enough, and all
 * must name the same origin. Every failure is 401 M_UNAUTHORIZED naming the problem.
 */
export class XMatrixAuthenticator {
  constructor(
    private readonly ourServerName: string,
    private readonly keyRing: Pick<ServerKeyRing, "keyForRequest">,
  ) {}

  /** The authenticated origin server. */
  async authenticate(req: InboundRequest): Promise<string> {
    const headers = req.authorization.filter((h) => /^x-matrix[ \t]/i.test(h.trimStart()));
    if (headers.length === 0) throw unauthorized("this endpoint needs an X-Matrix Authorization header");
    const parsed: XMatrixAuth[] = headers.map((h) => parse(h));
    const origin = parsed[0]!.origin;
    if (parsed.some((p) => p.origin !== origin)) throw unauthorized("X-Matrix headers name different origins");
    if (origin === this.ourServerName) throw unauthorized("X-Matrix origin is this server's own name");
    const problems: string[] = [];
    for (const auth of parsed) {
      // Checked before a key is fetched: a request for another server costs us no fetch.
      if (auth.destination !== undefined && auth.destination !== this.ourServerName) {
        throw unauthorized(`X-Matrix destination ${JSON.stringify(auth.destination)} is not this server (${this.ourServerName})`);
      }
      const key = await this.keyRing.keyForRequest(auth.origin, auth.keyId);
      if (key === null) {
        problems.push(`no current key ${auth.keyId} of ${auth.origin} is known`);
        continue;
      }
      try {
        verifyXMatrixRequest({
          auth,
          method: req.method,
          uri: req.uri,
          content: req.content,
          ourServerName: this.ourServerName,
          publicKey: key,
        });
        return origin;
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
        problems.push(e.message);
      }
    }
    throw unauthorized(problems.join("; "));
  }
}

function parse(header: string): XMatrixAuth {
  try {
    return parseXMatrixHeader(header);
  } catch (e) {
    if (e instanceof ProtocolError) throw unauthorized(e.message);
    throw e;
  }
}
