import { expect } from "chai";
import type { BackedUpKeyData } from "../../../components/userapi/api/key-backup.js";
import { replacesStoredKey } from "../../../components/userapi/key-backup/replacement.js";

const key = (isVerified: boolean, firstMessageIndex: number, forwardedCount: number): BackedUpKeyData => ({
  isVerified,
  firstMessageIndex,
  forwardedCount,
  sessionData: { ciphertext: `${isVerified}/${firstMessageIndex}/${forwardedCount}` },
});

describe("userapi: which backed-up session key is kept", () => {
  it("a verified key beats an unverified one, whatever its index and forward count", () => {
    expect(replacesStoredKey(key(true, 9, 9), key(false, 0, 0))).to.equal(true);
    expect(replacesStoredKey(key(false, 0, 0), key(true, 9, 9))).to.equal(false);
  });

  it("between equally verified keys, the lower first_message_index wins, whatever the forward count", () => {
    expect(replacesStoredKey(key(false, 1, 5), key(false, 2, 0))).to.equal(true);
    expect(replacesStoredKey(key(false, 3, 0), key(false, 2, 5))).to.equal(false);
    expect(replacesStoredKey(key(true, 1, 5), key(true, 2, 0))).to.equal(true);
  });

  it("then the lower forwarded_count wins", () => {
    expect(replacesStoredKey(key(true, 2, 0), key(true, 2, 1))).to.equal(true);
    expect(replacesStoredKey(key(true, 2, 2), key(true, 2, 1))).to.equal(false);
  });

  it("an equal key keeps the stored one, so a re-upload changes nothing", () => {
    expect(replacesStoredKey(key(false, 4, 1), key(false, 4, 1))).to.equal(false);
    expect(replacesStoredKey(key(true, 0, 0), key(true, 0, 0))).to.equal(false);
  });
});
