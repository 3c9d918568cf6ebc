/**
 * Hostile input for the tests of issue 12: JSON written as text (so it can hold what
 * JSON.stringify cannot make, or would overflow the stack making: lone surrogates, numbers
 * beyond doubles, thousands of levels of nesting) and a seeded generator of such values.
 */

/** `{"a":{"a":...1...}}` nested `levels` deep, as text. */
export function deepJson(levels: number, key = "a"): string {
  return `{"${key}":`.repeat(levels - 1) + "{}" + "}".repeat(levels - 1);
}

/** `[[[...]]]` nested `levels` deep, as text. */
export function deepArray(levels: number): string {
  return "[".repeat(levels) + "]".repeat(levels);
}

/** A JSON object body with one field holding `valueJson` (text) and the rest of `fields`. */
export function jsonWith(fields: Record<string, unknown>, key: string, valueJson: string): string {
  const rest = JSON.stringify(fields);
  return `{${JSON.stringify(key)}:${valueJson}${rest === "{}" ? "" : "," + rest.slice(1, -1)}}`;
}

/** mulberry32: a small seeded PRNG, so a failing fuzz run can be replayed exactly. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

/**
 * Strings (as JSON text, quotes included) a server must store, refuse with a 4xx, or pass on
 * untouched: U+0000 and lone surrogates in every position, bidi controls, emoji, overlong.
 */
const HOSTILE_STRINGS = [
  '"a\\u0000b"',
  '"\\u0000"',
  '"\\ud800"',
  '"x\\udfffy"',
  '"\\udc00\\ud800"',
  '"@alice\\u202e:localhost"',
  '"@\\ud83d\\ude00:localhost"',
  '"@:localhost"',
  '"$a\\u0000b"',
  '"!a\\u0000b:localhost"',
  '"#a\\u0000b:localhost"',
  '"mxc://a/\\u0000"',
  '""',
  '"\\n\\t\\r\\b\\f"',
  `"${"x".repeat(70_000)}"`,
];

/** Strings that are not hostile to storage, yet odd: empty, controls, bidi, emoji, lookalike IDs. */
const CLEAN_STRINGS = [
  '""',
  '"\\n\\t"',
  '"\\u202e"',
  '"\\ud83d\\ude00"',
  '"@x:localhost"',
  '"!x:localhost"',
  '"$x"',
  '"#x:localhost"',
  '"mxc://x/y"',
  '"m.login.password"',
];

/** Numbers as JSON text: beyond 2^53, beyond doubles (JSON.parse makes Infinity of 1e400), negative, fractional. */
const HOSTILE_NUMBERS = [
  "9007199254740993",
  "-9223372036854775809",
  "1e400",
  "-1e400",
  "1e308",
  "-1",
  "0.5",
  "-0",
  "123456789012345678901234567890",
];

/** Field names clients send, so that hostile values land in fields handlers read. */
const FIELD_NAMES = [
  "user_id",
  "reason",
  "displayname",
  "display_name",
  "avatar_url",
  "m.tz",
  "body",
  "msgtype",
  "membership",
  "type",
  "state_key",
  "content",
  "presence",
  "status_msg",
  "timeout",
  "typing",
  "limit",
  "actions",
  "conditions",
  "pattern",
  "enabled",
  "new_version",
  "room_version",
  "name",
  "topic",
  "invite",
  "preset",
  "visibility",
  "room_alias_name",
  "creation_content",
  "initial_state",
  "power_level_content_override",
  "is_direct",
  "identifier",
  "user",
  "password",
  "device_id",
  "initial_device_display_name",
  "auth",
  "session",
  "devices",
  "messages",
  "thread_id",
  "m.fully_read",
  "m.read",
  "m.read.private",
  "room_id",
  "alias",
  "alt_aliases",
  "filter",
  "generic_search_term",
  "since",
  "server",
  "include_all_networks",
  "logout_devices",
  "new_password",
  "username",
  "kind",
  "inhibit_login",
  "mac",
  "nonce",
  "admin",
  "event_fields",
  "event_format",
  "account_data",
  "room",
  "rooms",
  "not_rooms",
  "types",
  "not_types",
  "senders",
  "history_visibility",
  "join_rule",
  "m.relates_to",
  "rel_type",
  "event_id",
  "key",
  "value",
  "set_tweak",
  "org.example.custom",
  "additional_creators",
  "users",
  "events",
  "ban",
  "kick",
  "redact",
  "third_party_instance_id",
  "timeline",
  "state",
];

/**
 * Generates hostile JSON text from a seeded Random; `fixtures` are valid values to mix in (as
 * JSON text), so that some requests get past the first check to the handler's own.
 */
export class HostileJson {
  constructor(
    private readonly random: Random,
    private readonly fixtures: readonly string[],
  ) {}

  /**
   * A JSON object body, as text. `text: "clean"` leaves out the strings text columns cannot
   * hold (and the deepest nesting), which every body but event content is refused for at
   * once, so that wrong types and numbers reach the handlers behind that check.
   */
  object(text: "hostile" | "clean", depth = 0): string {
    const r = this.random;
    const n = depth === 0 ? 1 + r.int(6) : r.int(4);
    const fields: string[] = [];
    for (let i = 0; i < n; i++) {
      const key = text === "hostile" && r.chance(0.1) ? r.pick(HOSTILE_STRINGS.slice(0, 5)) : JSON.stringify(r.pick(FIELD_NAMES));
      fields.push(`${key}:${this.value(text, depth + 1)}`);
    }
    return `{${fields.join(",")}}`;
  }

  /** Any JSON value, as text: hostile more often than not. */
  value(text: "hostile" | "clean", depth: number): string {
    const r = this.random;
    const roll = r.int(100);
    const hostile = text === "hostile";
    if (roll < 20) return hostile ? r.pick(HOSTILE_STRINGS.slice(0, -1)) : r.pick(CLEAN_STRINGS); // the overlong string has its own, rarer, slot
    if (roll < 30) return r.pick(HOSTILE_NUMBERS);
    if (roll < 45) return this.fixtures.length > 0 ? r.pick(this.fixtures) : '"x"';
    if (roll < 52) return r.pick(["true", "false", "null", "0", "1", "30000", '"m.text"', '"join"', '"online"']);
    if (roll < 55)
      return hostile ? (r.chance(0.5) ? deepJson(300 + r.int(6000)) : deepArray(300 + r.int(6000))) : deepJson(200 + r.int(100));
    if (roll < 56) return HOSTILE_STRINGS[HOSTILE_STRINGS.length - 1]!;
    if (depth > 4) return '"x"';
    if (roll < 80) return this.object(text, depth);
    const items: string[] = [];
    for (let i = r.int(4); i > 0; i--) items.push(this.value(text, depth + 1));
    return `[${items.join(",")}]`;
  }
}
