/**
 * Seeded mangling of JSON values for robustness tests: replace or delete fields at random
 * depths with values of the wrong type, so every reader of untrusted content meets nulls,
 * arrays for objects, strings for integers, huge and fractional numbers.
 */

function deeplyNested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

/** Values of every wrong shape a field might hold. */
export const JUNK: readonly unknown[] = [
  null,
  [],
  [1, "x", null],
  {},
  { a: null },
  "",
  "50",
  " 50 ",
  "-7",
  "1e3",
  "abc",
  "@bob:b.example",
  "!room:a.example",
  1e308,
  -1e308,
  2 ** 53,
  -(2 ** 53) - 10,
  1.5,
  -0,
  NaN,
  Infinity,
  true,
  false,
  0,
  100,
  "x".repeat(70_000),
  JSON.parse('{"__proto__": {"polluted": 1}}'),
  { toString: 5, valueOf: null, hasOwnProperty: "no" },
  deeplyNested(300),
  { users: "x", events: [1], signed: 5 },
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** A fresh copy of a junk value, so later mutations never reach the shared JUNK list. */
function junk(random: () => number): unknown {
  return structuredClone(pick(random, JUNK));
}

function isContainer(v: unknown): v is Record<string, unknown> | unknown[] {
  return typeof v === "object" && v !== null;
}

/**
 * A deep copy of `value` with 1-3 mutations: a field (at any depth) replaced by junk or
 * deleted, or an extra junk field added. The top level itself may be replaced too.
 */
export function mangle(value: unknown, random: () => number): unknown {
  if (random() < 0.05) return junk(random);
  const copy: unknown = structuredClone(value);
  if (!isContainer(copy)) return junk(random);
  const mutations = 1 + Math.floor(random() * 3);
  for (let m = 0; m < mutations; m++) {
    // Walk down a random path, then change something at the place reached.
    let node: Record<string, unknown> | unknown[] = copy;
    for (;;) {
      const keys = Object.keys(node);
      if (keys.length === 0 || random() < 0.35) break;
      const next = (node as Record<string, unknown>)[pick(random, keys)];
      if (!isContainer(next) || Object.keys(next).length === 0) break;
      node = next;
    }
    const keys = Object.keys(node);
    const roll = random();
    if (keys.length > 0 && roll < 0.7) {
      (node as Record<string, unknown>)[pick(random, keys)] = junk(random);
    } else if (keys.length > 0 && roll < 0.85 && !Array.isArray(node)) {
      delete (node as Record<string, unknown>)[pick(random, keys)];
    } else if (!Array.isArray(node)) {
      node[pick(random, ["membership", "users", "signed", "join_rule", "creator", "additional_creators", "x"])] = junk(random);
    }
  }
  return copy;
}
