/** Event authorization: the auth rules of room versions 1-12 and what they need. */
export { checkAuth, type AuthOptions } from "./rules.js";
export { checkAuthEventsSelection, type AuthEventsSelectionOptions } from "./auth-events-check.js";
export {
  authEventTypesNeeded,
  authStateNeeded,
  authStateNeededInAnyVersion,
  selectAuthEvents,
  thirdPartyInviteToken,
  type AuthEventsTemplate,
  type StateTuple,
} from "./auth-events.js";
export {
  CREATOR_POWER_LEVEL,
  DEFAULT_LEVELS,
  RoomPowerLevels,
  eventLevel,
  notificationLevel,
  parseLevel,
  parsePowerLevels,
  roomCreators,
  type PowerLevelContent,
} from "./power-levels.js";
export {
  thirdPartyInvitePublicKeys,
  verifyThirdPartyInviteSignature,
  verifyThirdPartyInviteSigned,
  type SignatureVerifier,
} from "./third-party-invite.js";
