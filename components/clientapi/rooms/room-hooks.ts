import type { Logger } from "../../internal/logging/logger.js";
import { stateKeyOf } from "../../protocol/index.js";
import type { RoomEventBuilder } from "../../roomserver/api/event-builder.js";
import type { RoomserverApi } from "../../roomserver/api/roomserver-api.js";
import type { AccountsApi, ProfilesApi } from "../../userapi/api/userapi.js";
import { performed } from "../errors/roomserver-errors.js";
import { profileContent } from "./member-content.js";

/** What account changes must do in rooms. */
export interface RoomHooks {
  /** After `displayname` or `avatar_url` changed: an updated m.room.member event in every joined room. */
  profileChanged(userId: string): Promise<void>;
  /** After deactivation: leave every joined room (and reject pending invites). */
  leaveAllRooms(userId: string): Promise<void>;
  /**
   * After the room's m.room.guest_access changed to anything but can_join: the spec's guest
   * access module says the server MUST set its guests' membership to leave. Each guest
   * leaves by their own event (no power needed), as Synapse does; returns who left.
   */
  guestAccessClosed(roomId: string): Promise<string[]>;
}

const MEMBER = "m.room.member";
/** Rooms updated at once: enough to be quick for a user in many rooms, few enough not to flood the input log. */
const PARALLEL_ROOMS = 8;

/**
 * The hooks as the clientapi runs them: one member event per room, each room on its own so
 * one room refusing (the user lacks power to change their member event there) does not stop
 * the others; refusals are logged, and the account change itself stands.
 */
export function roomHooks(
  roomserver: () => RoomserverApi,
  profiles: () => ProfilesApi,
  builder: RoomEventBuilder,
  logger: Logger,
  accounts: () => Pick<AccountsApi, "guestsAmong">,
): RoomHooks {
  const eachRoom = async (userId: string, membership: string, work: (roomId: string) => Promise<void>) => {
    const { roomIds } = await roomserver().queryRoomsForUser({ userId, membership });
    for (let i = 0; i < roomIds.length; i += PARALLEL_ROOMS) {
      await Promise.all(
        roomIds
          .slice(i, i + PARALLEL_ROOMS)
          .map((roomId) =>
            work(roomId).catch((err: Error) =>
              logger.warn({ room: roomId, user: userId, err: err.message }, "room not updated after an account change"),
            ),
          ),
      );
    }
  };

  return {
    async profileChanged(userId) {
      const profile = await profileContent(profiles(), userId);
      await eachRoom(userId, "join", async (roomId) => {
        const sketch = { type: MEMBER, sender: userId, state_key: userId, content: {} };
        const position = await builder.positionIn(roomId, sketch);
        const current = position.state.get(stateKeyOf(MEMBER, userId));
        if (current?.content["membership"] !== "join") return; // left since the list was made
        // A fresh join content, as Synapse sends: a join's reason does not belong to a profile change.
        await builder.sendAt(position, { ...sketch, content: { membership: "join", ...profile } });
      });
    },
    async leaveAllRooms(userId) {
      const leave = async (roomId: string) => {
        performed(
          await roomserver().performMembership({
            roomId,
            sender: userId,
            target: userId,
            membership: "leave",
            reason: "",
            isDirect: false,
          }),
        );
      };
      await eachRoom(userId, "join", leave);
      await eachRoom(userId, "invite", leave);
    },
    async guestAccessClosed(roomId) {
      const { memberEvents } = await roomserver().queryMembers({ roomId, memberships: ["join"], localOnly: true });
      const members = memberEvents.flatMap((e) => {
        const stateKey = (JSON.parse(e.eventJson) as { state_key?: unknown }).state_key;
        return typeof stateKey === "string" ? [stateKey] : [];
      });
      const guests = await accounts().guestsAmong(members);
      const left: string[] = [];
      for (let i = 0; i < guests.length; i += PARALLEL_ROOMS) {
        await Promise.all(
          guests.slice(i, i + PARALLEL_ROOMS).map(async (guest) => {
            try {
              performed(
                await roomserver().performMembership({
                  roomId,
                  sender: guest,
                  target: guest,
                  membership: "leave",
                  reason: "",
                  isDirect: false,
                }),
              );
              left.push(guest);
            } catch (err) {
              logger.warn({ room: roomId, user: guest, err: (err as Error).message }, "guest not removed after guest access closed");
            }
          }),
        );
      }
      return left;
    },
  };
}
