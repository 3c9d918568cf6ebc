import { hasOwn, isJsonObject } from "../events/event.js";
import { signingKeyIdsOf } from "../crypto/signing.js";
import type { AuthContext } from "./context.js";
import { deny } from "./context.js";
import { THIRD_PARTY_INVITE, getState, joinRuleOf, membershipOf, stringField } from "./state-view.js";
import { verifyThirdPartyInviteSignature, verifyThirdPartyInviteSigned } from "./third-party-invite.js";
import { isValidUserId, serverNameOf } from "../ids/grammar.js";

/**
 * Auth rules for m.room.member (rule 4 in v6-v11, 5 in v1-v5 and v12). Each function
 * either returns (allow) or throws via deny (reject).
 */
export function checkMemberEvent(ctx: AuthContext): void {
  const { event, version } = ctx;
  const target = event.stateKey;
  if (target === undefined) deny("m.room.member", "no state_key");
  if (!hasOwn(event.content, "membership")) deny("m.room.member", "no membership in content");
  const membership = event.content["membership"];

  if (version.restrictedJoinRule && hasOwn(event.content, "join_authorised_via_users_server")) {
    checkAuthorisingServerSigned(ctx);
  }

  switch (membership) {
    case "join":
      return checkJoin(ctx, target);
    case "invite":
      return checkInvite(ctx, target);
    case "leave":
      return checkLeave(ctx, target);
    case "ban":
      return checkBan(ctx, target);
    case "knock":
      if (version.knockJoinRule) return checkKnock(ctx, target);
      break;
  }
  deny("m.room.member", `unknown membership ${JSON.stringify(membership)}`);
}

/** v8+: a join vouched for by another server must carry that server's signature. */
function checkAuthorisingServerSigned(ctx: AuthContext): void {
  const via = ctx.event.content["join_authorised_via_users_server"];
  if (typeof via !== "string" || !isValidUserId(via, { historical: true })) {
    deny("join_authorised_via_users_server", "is not a user ID");
  }
  const server = serverNameOf(via)!;
  // Without a hook, an ed25519 signature from that server must at least be present; the
  // receipt-of-PDU checks that run before auth are what verify it.
  const signed = ctx.options.isSignedBy ? ctx.options.isSignedBy(ctx.event, server) : signingKeyIdsOf(ctx.event.json, server).length > 0;
  if (!signed) deny("join_authorised_via_users_server", `event is not signed by ${server}`);
}

/** The user who created the room as the "first join" rule means it (not additional creators). */
function originalCreator(ctx: AuthContext): string | undefined {
  return ctx.version.implicitRoomCreator ? ctx.create.sender : stringField(ctx.create.content, "creator");
}

function checkJoin(ctx: AuthContext, target: string): void {
  const { event, state, version } = ctx;
  const rule = "join";
  // The creator's own join straight after the create event.
  if (event.prevEventIds.length === 1 && event.prevEventIds[0] === ctx.create.eventId && target === originalCreator(ctx)) {
    return;
  }
  if (event.sender !== target) deny(rule, "sender does not match state_key");
  const current = membershipOf(state, target);
  if (current === "ban") deny(rule, "sender is banned");

  const joinRule = joinRuleOf(state);
  const invitedOrJoined = current === "invite" || current === "join";
  if (joinRule === "invite" || (version.knockJoinRule && joinRule === "knock")) {
    if (invitedOrJoined) return;
    deny(rule, `join rule is ${joinRule} and the user is not invited`);
  }
  if ((version.restrictedJoinRule && joinRule === "restricted") || (version.knockRestrictedJoinRule && joinRule === "knock_restricted")) {
    if (invitedOrJoined) return;
    const via = stringField(event.content, "join_authorised_via_users_server");
    if (via === undefined) deny(rule, `join rule is ${joinRule} and no join_authorised_via_users_server`);
    if (membershipOf(state, via) !== "join") deny(rule, `authorising user ${via} is not joined`);
    if (ctx.power.userLevel(via) < ctx.power.content.invite) deny(rule, `authorising user ${via} may not invite`);
    return;
  }
  if (joinRule === "public") return;
  deny(rule, `join rule ${JSON.stringify(joinRule)} does not allow joining`);
}

function checkInvite(ctx: AuthContext, target: string): void {
  const { event, state } = ctx;
  if (hasOwn(event.content, "third_party_invite")) return checkThirdPartyInvite(ctx, target);
  const rule = "invite";
  if (membershipOf(state, event.sender) !== "join") deny(rule, "sender is not joined");
  const targetMembership = membershipOf(state, target);
  if (targetMembership === "join" || targetMembership === "ban") deny(rule, `target is already ${targetMembership}`);
  if (ctx.power.userLevel(event.sender) >= ctx.power.content.invite) return;
  deny(rule, "sender's power level is below the invite level");
}

/** An invite that redeems an m.room.third_party_invite: proven by the signed token, not by the sender's membership. */
function checkThirdPartyInvite(ctx: AuthContext, target: string): void {
  const { event, state } = ctx;
  const rule = "third-party invite";
  if (membershipOf(state, target) === "ban") deny(rule, "target is banned");
  const tpi = event.content["third_party_invite"];
  const signed = isJsonObject(tpi) ? tpi["signed"] : undefined;
  if (!isJsonObject(signed)) deny(rule, "third_party_invite has no signed object");
  const mxid = stringField(signed, "mxid");
  const token = stringField(signed, "token");
  if (mxid === undefined || token === undefined) deny(rule, "signed has no mxid and token");
  if (mxid !== target) deny(rule, "signed.mxid does not match state_key");
  const invite = getState(state, THIRD_PARTY_INVITE, token);
  if (!invite) deny(rule, "no m.room.third_party_invite for the token");
  if (invite.sender !== event.sender) deny(rule, "sender did not send the m.room.third_party_invite");
  const verify = ctx.options.verifySignature ?? verifyThirdPartyInviteSignature;
  if (verifyThirdPartyInviteSigned(signed, invite.content, verify)) return;
  deny(rule, "no signature in signed matches the invite's public keys");
}

function checkLeave(ctx: AuthContext, target: string): void {
  const { event, state, version, power } = ctx;
  const current = membershipOf(state, target);
  if (event.sender === target) {
    if (current === "invite" || current === "join" || (version.knockJoinRule && current === "knock")) return;
    deny("leave", `cannot leave from membership ${current}`);
  }
  const rule = "kick";
  if (membershipOf(state, event.sender) !== "join") deny(rule, "sender is not joined");
  const senderLevel = power.userLevel(event.sender);
  if (current === "ban" && senderLevel < power.content.ban) deny("unban", "sender's power level is below the ban level");
  if (senderLevel >= power.content.kick && power.userLevel(target) < senderLevel) return;
  deny(rule, "sender's power level is below the kick level or not above the target's");
}

function checkBan(ctx: AuthContext, target: string): void {
  const { event, state, power } = ctx;
  const rule = "ban";
  if (membershipOf(state, event.sender) !== "join") deny(rule, "sender is not joined");
  const senderLevel = power.userLevel(event.sender);
  if (senderLevel >= power.content.ban && power.userLevel(target) < senderLevel) return;
  deny(rule, "sender's power level is below the ban level or not above the target's");
}

function checkKnock(ctx: AuthContext, target: string): void {
  const { event, state, version } = ctx;
  const rule = "knock";
  const joinRule = joinRuleOf(state);
  if (!(joinRule === "knock" || (version.knockRestrictedJoinRule && joinRule === "knock_restricted"))) {
    deny(rule, `join rule ${JSON.stringify(joinRule)} does not allow knocking`);
  }
  if (event.sender !== target) deny(rule, "sender does not match state_key");
  const current = membershipOf(state, event.sender);
  if (current !== "ban" && current !== "invite" && current !== "join") return;
  deny(rule, `cannot knock from membership ${current}`);
}
