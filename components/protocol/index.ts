/**
 * The protocol library's public API: everything other components may use, module by module
 * (see README.md for the map). Internal helpers (auth/state-view, auth/context, stateres
 * building blocks beyond those re-exported by stateres/index) stay unexported.
 */
export * from "./errors.js";
export * from "./roomversions.js";

// JSON and cryptography
export * from "./json/canonical.js";
export * from "./json/parse.js";
export * from "./json/limits.js";
export * from "./crypto/base64.js";
export * from "./crypto/keys.js";
export * from "./crypto/signing.js";

// Identifiers
export * from "./ids/grammar.js";

// Events: formats, hashing, signing, redaction, parsing, building
export * from "./events/event.js";
export * from "./events/hashes.js";
export * from "./events/redaction.js";
export * from "./events/ids.js";
export * from "./events/protocolevent.js";
export * from "./events/parse.js";
export * from "./events/build.js";
export * from "./events/signatures.js";

// Authorization rules, state resolution, history visibility
export * from "./auth/index.js";
export * from "./stateres/index.js";
export * from "./visibility/history.js";
export * from "./visibility/state-access.js";

// Federation: request signing, server keys, server discovery
export * from "./federation/xmatrix.js";
export * from "./federation/server-keys.js";
export * from "./federation/discovery.js";
export * from "./federation/well-known.js";
export * from "./federation/ttl-cache.js";
export * from "./federation/old-verify-keys.js";
