/**
 * A request the roomserver cannot answer because the request itself is wrong (a malformed
 * history token, say), as opposed to a failure of the roomserver. The gRPC adapter
 * answers it with INVALID_ARGUMENT instead of INTERNAL.
 */
export class InvalidQuery extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidQuery";
  }
}
