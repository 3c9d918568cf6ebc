/**
 * Protocol library figures (`npm run bench -- protocol`): canonical JSON (and the JSON limits
 * check every request body goes through), ed25519 sign and verify, event building and
 * parsing, and state resolution v2 on a 10,000-state room.
 * Everything goes through the library's public API (components/protocol/index.ts).
 */
import {
  buildEvent,
  canonicalJsonBytes,
  checkAuth,
  encodeCanonicalJson,
  jsonLimitProblem,
  parseCanonicalJson,
  parseEvent,
  resolveState,
  signBytes,
  signingKeyFromSeed,
  verifyBytes,
  type JsonObject,
  type RoomEvent,
  type StateMap,
} from "../components/protocol/index.js";
import { buildRoom } from "./fixtures/synthetic-room.js";
import { opsPerSecond, report, reportMachineSpeed } from "./report.js";

const key = signingKeyFromSeed(Buffer.alloc(32, 42), "bench");

/** A realistic ~1 KB message event as it travels over federation. */
function sampleEvent(): JsonObject {
  return {
    auth_events: [
      "$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg",
      "$5hdALbO-1Pu1y0f2sVSUpRXiK9Rww5JCw2cE7b5eW4c",
      "$TnbOTt9OZ2Uo8o0OMF6Ef2vQ5U5gY6p0-kmHvKb8ZhY",
    ],
    content: {
      body: "A message long enough to be typical of a chat room, with some words in it. ".repeat(4),
      format: "org.matrix.custom.html",
      formatted_body: "<p>A message long enough to be <b>typical</b> of a chat room.</p>",
      msgtype: "m.text",
      "m.mentions": { user_ids: ["@bob:example.org"] },
    },
    depth: 12345,
    hashes: { sha256: "Rqnc+F+dvnEYJTyHq/iKxU2bZ1CI92+kuZq3a5lr5Zg" },
    origin_server_ts: 1_700_000_000_000,
    prev_events: ["$Hd8sZQbPpaA3P2v4BMX5vZ4nCu8Dd-5gJ9t7cN3ipAc"],
    room_id: "!abcdefghijklmnop:example.org",
    sender: "@alice:example.org",
    signatures: {
      "example.org": { "ed25519:a_AbCd": "5IzSuRXkxvbTp0vZhhXYZeOe+619iG3AybJXr7zfNn/4vHz4TH7qSJVQXSaHHvcTcDodAKHnTG1WDulgO5okAQ" },
    },
    type: "m.room.message",
    unsigned: { age: 1234 },
  };
}

function benchCanonicalJson(): void {
  const event = sampleEvent();
  const bytes = canonicalJsonBytes(event).length;
  report(
    `canonical JSON encode (${bytes} B event)`,
    opsPerSecond(() => encodeCanonicalJson(event, { strict: true })),
    "ops/s",
  );
  const text = encodeCanonicalJson(event);
  report(
    `canonical JSON strict parse (${bytes} B event)`,
    opsPerSecond(() => parseCanonicalJson(text, { strict: true })),
    "ops/s",
  );
  // What every request body now pays at the HTTP edge, next to the JSON.parse it already paid.
  report(
    `JSON.parse of a request body (${bytes} B)`,
    opsPerSecond(() => JSON.parse(text)),
    "ops/s",
  );
  report(
    `JSON limits check of a request body (${bytes} B)`,
    opsPerSecond(() => jsonLimitProblem(event, { nul: "refused" })),
    "ops/s",
  );
}

function benchSignatures(): void {
  const message = canonicalJsonBytes(sampleEvent());
  report(
    "ed25519 sign (1 KB, node:crypto)",
    opsPerSecond(() => signBytes(message, key)),
    "ops/s",
  );
  const signature = signBytes(message, key);
  report(
    "ed25519 verify (1 KB, cached key)",
    opsPerSecond(() => verifyBytes(message, signature, key.publicKeyBase64)),
    "ops/s",
  );
}

function benchEvents(): void {
  const prev: RoomEvent = parseEvent(sampleEvent(), "10");
  const template = {
    type: "m.room.message",
    sender: "@alice:example.org",
    room_id: "!abcdefghijklmnop:example.org",
    content: sampleEvent().content as JsonObject,
  };
  const options = {
    roomVersion: "10",
    prevEvents: [prev],
    authEvents: prev.authEventIds,
    origin: "example.org",
    keyId: key.keyId,
    privateKey: key,
  };
  // Longer than the other figures: this one is compared with a target (>= 20,000/s).
  report(
    "events built: hash + sign + ID (room v10)",
    opsPerSecond(() => buildEvent(template, options), 3000),
    "events/s",
  );
  const text = encodeCanonicalJson(sampleEvent());
  report(
    "events parsed + ID computed (room v10)",
    opsPerSecond(() => parseEvent(text, "10")),
    "events/s",
  );
}

/** Median of 15 runs after 5 warm-ups, with the real auth rules (target: under 200 ms). */
function benchStateResolution(): void {
  const { room, stateSets, version } = buildRoom();
  const conflicted = [...new Set([...stateSets[0]!.keys(), ...stateSets[1]!.keys()])].filter(
    (key) => stateSets[0]!.get(key)?.eventId !== stateSets[1]!.get(key)?.eventId,
  );
  if (room.base.size !== 10_000 || conflicted.length !== 100) {
    throw new Error(`synthetic room has ${room.base.size} state events and ${conflicted.length} conflicted keys`);
  }
  const input = {
    roomVersion: version,
    stateSets,
    eventById: (id: string) => room.events.get(id),
    authCheck: (ev: RoomEvent, authState: StateMap) => checkAuth(ev, authState),
  };
  for (let i = 0; i < 5; i++) resolveState(input);
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const start = process.hrtime.bigint();
    const resolved = resolveState(input);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (resolved.size < 10_000) throw new Error(`resolved state lost keys: ${resolved.size}`);
  }
  times.sort((a, b) => a - b);
  report("state resolution v2, 10,000 state events, 100 conflicted keys", times[Math.floor(times.length / 2)]!, "ms");
}

export async function run(): Promise<void> {
  reportMachineSpeed("before protocol");
  benchCanonicalJson();
  benchSignatures();
  benchEvents();
  benchStateResolution();
}
