/**
 * An input that cannot be stored at all: malformed, unverifiable, of an unknown room, or
 * referring to events we do not have. The writer gets outcome INVALID with this reason.
 * (An event that fails the authorization rules is not invalid: it is stored as rejected.)
 */
export class InvalidInput extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "InvalidInput";
  }
}
