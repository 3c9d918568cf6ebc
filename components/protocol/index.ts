// The protocol library's public API: one `export *` per module.
export * from "./errors.js";
export * from "./roomversions.js";
export * from "./events/event.js";
export * from "./json/canonical.js";
export * from "./json/parse.js";
export * from "./crypto/base64.js";
export * from "./crypto/keys.js";
export * from "./crypto/signing.js";
export * from "./events/hashes.js";
export * from "./events/redaction.js";
export * from "./events/ids.js";
export * from "./events/protocolevent.js";
export * from "./events/parse.js";
export * from "./events/build.js";
export * from "./events/signatures.js";
export * from "./ids/grammar.js";
