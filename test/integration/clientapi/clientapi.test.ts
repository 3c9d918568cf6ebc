import { suiteVariant, withPostgresAndNats } from "../../../testing/backends.js";
import { startMonolith, startPolylith, type Deployment, DEPLOYMENT_START_BUDGET_MS } from "../../../testing/deployment.js";
import { createRoomCases } from "./cases/create-room.js";
import { directoryCases } from "./cases/directory.js";
import { ephemeralCases } from "./cases/ephemeral.js";
import { guestCases } from "./cases/guests.js";
import { membershipCases } from "./cases/membership.js";
import { profileHookCases } from "./cases/profile-hooks.js";
import { roomEventCases } from "./cases/room-events.js";
import { roomStateCases } from "./cases/room-state.js";
import { roomVersionCases } from "./cases/room-versions.js";
import { upgradeCases } from "./cases/upgrade.js";
import { RoomInspector } from "./room-client.js";

/**
 * The client API writers over HTTP against real servers from the built CLI (`npm run build`
 * first): the monolith on the embedded database, and, with PostgreSQL and NATS, the polylith
 * with separate roomserver, userapi, clientapi and syncapi processes (cases read back over
 * HTTP what they wrote). One server per variant; each case makes its own users and rooms.
 * Rate limits are off here (the account suite tests them), so cases may send as fast as they
 * like; guests may register (the state reads admit them).
 */
const ENV = { DENDRITE_RATE_LIMIT_ENABLED: "false", DENDRITE_REGISTRATION_GUESTS: "true" };

function clientSuite(variant: string, start: () => Promise<Deployment>): void {
  describe(`client API writers over HTTP: ${variant}`, function () {
    this.timeout(60_000);
    let server: Deployment | undefined;
    let inspector: RoomInspector | undefined;
    suiteVariant(`clientapi:${variant}`);
    before(async function () {
      this.timeout(DEPLOYMENT_START_BUDGET_MS);
      server = await start();
      inspector = new RoomInspector(server.roomserverGrpc, server.grpcSecret);
    });
    after(async () => server?.stop());
    const current = () => server!;
    const rooms = () => inspector!;

    describe("createRoom and joined_rooms", () => createRoomCases(current, rooms));
    describe("membership", () => membershipCases(current, rooms));
    describe("send, state, redact", () => roomEventCases(current, rooms));
    describe("reading one state event", () => roomStateCases(current));
    describe("room versions 1-12", () => roomVersionCases(current));
    describe("aliases and the room directory", () => directoryCases(current));
    describe("typing, receipts, read markers", () => ephemeralCases(current));
    describe("room upgrades", () => upgradeCases(current, rooms));
    describe("profile changes and deactivation reach rooms", () => profileHookCases(current, rooms));
    describe("guests", () => guestCases(current, rooms));
  });
}

clientSuite("monolith", () => startMonolith(ENV));
withPostgresAndNats("clientapi:polylith", () => clientSuite("polylith", () => startPolylith(ENV, { syncapi: true })));
