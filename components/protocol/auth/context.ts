import { ProtocolError } from "../errors.js";
import type { RoomEvent, StateMap } from "../events/event.js";
import type { RoomVersion } from "../roomversions.js";
import { RoomPowerLevels } from "./power-levels.js";
import type { SignatureVerifier } from "./third-party-invite.js";

/** Hooks for the checks that need cryptography or knowledge beyond the auth state. */
export interface AuthOptions {
  /**
   * Verifies the `signed` block of a third-party invite (see third-party-invite.ts).
   * Defaults to verifyThirdPartyInviteSignature, real ed25519 signed-JSON verification.
   */
  readonly verifySignature?: SignatureVerifier;
  /**
   * Whether the event is validly signed by `serverName` (v8+ rule for
   * `join_authorised_via_users_server`). Without it the rule only requires a signature
   * block from that server: the receipt-of-PDU signature checks, which run before the auth
   * rules, are what verify every signature the event carries.
   */
  readonly isSignedBy?: (event: RoomEvent, serverName: string) => boolean;
}

/** Everything a rule needs about the event being authorised and the state it is checked against. */
export class AuthContext {
  private powerCache: RoomPowerLevels | undefined;

  constructor(
    readonly event: RoomEvent,
    readonly state: StateMap,
    readonly create: RoomEvent,
    readonly options: AuthOptions,
  ) {}

  get version(): RoomVersion {
    return this.event.roomVersion;
  }

  /** Parsed lazily: rules that never look at power (aliases) must not fail on a bad PL event. */
  get power(): RoomPowerLevels {
    this.powerCache ??= RoomPowerLevels.fromState(this.state, this.version);
    return this.powerCache;
  }
}

/** Rejects the event, naming the rule that failed. */
export function deny(rule: string, detail: string): never {
  throw new ProtocolError("UNAUTHORISED", `${rule}: ${detail}`);
}
