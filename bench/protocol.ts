/**
 * Protocol library figures: canonical JSON, ed25519 sign/verify, event building.
 * `run()` is a list of sections so further ones (e.g. state resolution) can be appended.
 */
import { canonicalJsonBytes, encodeCanonicalJson } from "../components/protocol/json/canonical.js";
import { parseCanonicalJson } from "../components/protocol/json/parse.js";
import { signingKeyFromSeed } from "../components/protocol/crypto/keys.js";
import { signBytes, verifyBytes } from "../components/protocol/crypto/signing.js";
import { buildEvent } from "../components/protocol/events/build.js";
import type { JsonObject, RoomEvent } from "../components/protocol/events/event.js";
import { parseEvent } from "../components/protocol/events/parse.js";
import { opsPerSecond, report } from "./report.js";

const key = signingKeyFromSeed(Buffer.alloc(32, 42), "bench");

/** A realistic ~1 KB message event as it travels over federation. */
function sampleEvent(): JsonObject {
  return {
    auth_events: ["$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg", "$5hdALbO-1Pu1y0f2sVSUpRXiK9Rww5JCw2cE7b5eW4c", "$TnbOTt9OZ2Uo8o0OMF6Ef2vQ5U5gY6p0-kmHvKb8ZhY"],
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
    signatures: { "example.org": { "ed25519:a_AbCd": "5IzSuRXkxvbTp0vZhhXYZeOe+619iG3AybJXr7zfNn/4vHz4TH7qSJVQXSaHHvcTcDodAKHnTG1WDulgO5okAQ" } },
    type: "m.room.message",
    unsigned: { age: 1234 },
  };
}

async function benchCanonicalJson(): Promise<void> {
  const event = sampleEvent();
  const bytes = canonicalJsonBytes(event).length;
  report(`canonical JSON encode (${bytes} B event)`, opsPerSecond(() => encodeCanonicalJson(event, { strict: true })), "ops/s");
  const text = encodeCanonicalJson(event);
  report(`canonical JSON strict parse (${bytes} B event)`, opsPerSecond(() => parseCanonicalJson(text, { strict: true })), "ops/s");
}

async function benchSignatures(): Promise<void> {
  const message = canonicalJsonBytes(sampleEvent());
  report("ed25519 sign (1 KB, node:crypto)", opsPerSecond(() => signBytes(message, key)), "ops/s");
  const signature = signBytes(message, key);
  report("ed25519 verify (1 KB, cached key)", opsPerSecond(() => verifyBytes(message, signature, key.publicKeyBase64)), "ops/s");
}

async function benchEvents(): Promise<void> {
  const prev: RoomEvent = parseEvent(sampleEvent(), "10");
  const template = {
    type: "m.room.message",
    sender: "@alice:example.org",
    room_id: "!abcdefghijklmnop:example.org",
    content: sampleEvent().content as JsonObject,
  };
  const options = { roomVersion: "10", prevEvents: [prev], authEvents: prev.authEventIds, origin: "example.org", keyId: key.keyId, privateKey: key };
  report("events built: hash + sign + ID (room v10)", opsPerSecond(() => buildEvent(template, options)), "events/s");
  const text = encodeCanonicalJson(sampleEvent());
  report("events parsed + ID computed (room v10)", opsPerSecond(() => parseEvent(text, "10")), "events/s");
}

/** Sections in order; others append theirs (e.g. a state resolution figure). */
export const sections: Array<() => Promise<void>> = [benchCanonicalJson, benchSignatures, benchEvents];

export async function run(): Promise<void> {
  for (const section of sections) await section();
}
