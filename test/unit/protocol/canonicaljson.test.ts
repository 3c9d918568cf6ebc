import { expect } from "chai";
import { ProtocolError } from "../../../components/protocol/errors.js";
import { canonicalJsonBytes, compareCodepoints, encodeCanonicalJson } from "../../../components/protocol/json/canonical.js";
import { parseCanonicalJson } from "../../../components/protocol/json/parse.js";

function expectProtocolError(fn: () => unknown, code: string, pattern?: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(ProtocolError);
    expect((e as ProtocolError).code).to.equal(code);
    if (pattern) expect((e as ProtocolError).message).to.match(pattern);
    return;
  }
  expect.fail("expected a ProtocolError " + code);
}

describe("protocol/json/canonical", () => {
  describe("spec appendix examples", () => {
    // Input text (as in the spec, pretty-printed) -> expected canonical JSON.
    const vectors: [string, string][] = [
      ["{}", "{}"],
      ['{\n    "one": 1,\n    "two": "Two"\n}', '{"one":1,"two":"Two"}'],
      ['{\n    "b": "2",\n    "a": "1"\n}', '{"a":"1","b":"2"}'],
      ['{"b":"2","a":"1"}', '{"a":"1","b":"2"}'],
      [
        `{
    "auth": {
        "success": true,
        "mxid": "@john.doe:example.com",
        "profile": {
            "display_name": "John Doe",
            "three_pids": [
                { "medium": "email", "address": "john.doe@example.org" },
                { "medium": "msisdn", "address": "123456789" }
            ]
        }
    }
}`,
        '{"auth":{"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe","three_pids":[{"address":"john.doe@example.org","medium":"email"},{"address":"123456789","medium":"msisdn"}]},"success":true}}',
      ],
      ['{"a": "日本語"}', '{"a":"日本語"}'],
      ['{"本": 2, "日": 1}', '{"日":1,"本":2}'],
      ['{"a": "\\u65E5"}', '{"a":"日"}'],
      ['{"a": null}', '{"a":null}'],
      ['{"a": -0, "b": 1e10}', '{"a":0,"b":10000000000}'],
    ];
    for (const [input, expected] of vectors) {
      it(`${JSON.stringify(input).slice(0, 50)} -> ${expected.slice(0, 40)}`, () => {
        expect(encodeCanonicalJson(JSON.parse(input))).to.equal(expected);
        expect(encodeCanonicalJson(parseCanonicalJson(input, { strict: true }), { strict: true })).to.equal(expected);
      });
    }
  });

  it("escapes only quote, backslash and control characters, with short forms where they exist", () => {
    const s = '"\\\b\f\n\r\t\u0000\u0001\u001f\u007f/é\u2028😀';
    expect(encodeCanonicalJson(s)).to.equal('"\\"\\\\\\b\\f\\n\\r\\t\\u0000\\u0001\\u001f\u007f/é\u2028😀"');
  });

  it("writes UTF-8 bytes", () => {
    expect(canonicalJsonBytes({ a: "é" }).toString("hex")).to.equal(Buffer.from('{"a":"é"}', "utf8").toString("hex"));
  });

  it("sorts keys by codepoint, not UTF-16 code unit", () => {
    // U+FF61 is one code unit above the surrogates; U+1F600 is encoded with surrogates (D83D).
    const obj = { "\uff61": 1, "😀": 2, a: 3 };
    expect(encodeCanonicalJson(obj)).to.equal('{"a":3,"\uff61":1,"😀":2}');
    expect(compareCodepoints("\uff61", "😀")).to.be.lessThan(0);
    expect(compareCodepoints("b", "a")).to.be.greaterThan(0);
    expect(compareCodepoints("a", "ab")).to.be.lessThan(0);
  });

  it("skips undefined properties, encodes nested arrays and booleans", () => {
    expect(encodeCanonicalJson({ b: [true, false, null, [1, -2]], a: undefined })).to.equal('{"b":[true,false,null,[1,-2]]}');
  });

  it("omits the requested top-level keys only", () => {
    const obj = { signatures: { x: 1 }, unsigned: {}, a: { signatures: 2 } };
    expect(encodeCanonicalJson(obj, { omit: ["signatures", "unsigned"] })).to.equal('{"a":{"signatures":2}}');
  });

  describe("strict mode (room v6+)", () => {
    it("accepts integers at the edges of the range", () => {
      expect(encodeCanonicalJson([2 ** 53 - 1, -(2 ** 53 - 1)], { strict: true })).to.equal("[9007199254740991,-9007199254740991]");
    });
    it("rejects out-of-range integers, floats, NaN and Infinity, naming the path", () => {
      expectProtocolError(() => encodeCanonicalJson({ a: { b: 2 ** 53 } }, { strict: true }), "BAD_JSON", /a\.b.*out of range/);
      expectProtocolError(() => encodeCanonicalJson({ a: [1, 1.5] }, { strict: true }), "BAD_JSON", /a\[1\].*float/);
      expectProtocolError(() => encodeCanonicalJson({ a: NaN }, { strict: true }), "BAD_JSON");
      expectProtocolError(() => encodeCanonicalJson({ a: Infinity }), "BAD_JSON");
    });
  });

  describe("lenient mode (room v1-v5)", () => {
    it("encodes out-of-range integers without exponent and floats in shortest form", () => {
      expect(encodeCanonicalJson([2 ** 60, 1e21, 1.5])).to.equal("[1152921504606846976,1000000000000000000000,1.5]");
    });
    it("round-trips huge integers exactly through the parser", () => {
      const text = '{"depth":9223372036854775807}';
      expect(encodeCanonicalJson(parseCanonicalJson(text, { strict: false }))).to.equal(text);
    });
  });

  it("rejects non-JSON values and lone surrogates", () => {
    expectProtocolError(() => encodeCanonicalJson({ a: () => 1 }), "BAD_JSON", /function/);
    expectProtocolError(() => encodeCanonicalJson({ a: new Date() }), "BAD_JSON", /plain/);
    expectProtocolError(() => encodeCanonicalJson({ a: "x\ud800y" }), "BAD_JSON", /lone surrogate/);
    expectProtocolError(() => encodeCanonicalJson([undefined]), "BAD_JSON");
  });

  it("refuses absurd nesting instead of overflowing the stack", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1000; i++) deep = [deep];
    expectProtocolError(() => encodeCanonicalJson(deep), "BAD_JSON", /deeper/);
  });
});

describe("protocol/json/parse", () => {
  it("parses all JSON value kinds and escapes", () => {
    const v = parseCanonicalJson(' {"a":[1,-2,0,true,false,null],"b":"x\\n\\u00e9\\/\\ud83d\\ude00","c":{}} ', { strict: true });
    expect(v).to.deep.equal({ a: [1, -2, 0, true, false, null], b: "x\né/😀", c: {} });
  });

  it("accepts bytes and rejects invalid UTF-8", () => {
    expect(parseCanonicalJson(Buffer.from('{"a":"é"}'), { strict: true })).to.deep.equal({ a: "é" });
    expectProtocolError(() => parseCanonicalJson(Buffer.from([0x7b, 0xff, 0x7d]), { strict: true }), "NOT_JSON", /UTF-8/);
  });

  const syntaxErrors = [
    "",
    "{",
    '{"a"}',
    '{"a":}',
    "[1,]",
    "{,}",
    "01",
    "1.",
    "-",
    "1e",
    '"abc',
    '"\\x"',
    '"\\u12"',
    "NaN",
    "Infinity",
    "tru",
    '{"a":1}x',
    "'a'",
    '"a\nb"',
  ];
  for (const text of syntaxErrors) {
    it(`NOT_JSON for ${JSON.stringify(text)}`, () => expectProtocolError(() => parseCanonicalJson(text, { strict: false }), "NOT_JSON"));
  }

  it("strict mode rejects floats, out-of-range integers and duplicate keys, naming the path", () => {
    expectProtocolError(() => parseCanonicalJson('{"a":{"b":1.5}}', { strict: true }), "BAD_JSON", /a\.b.*float/);
    expectProtocolError(() => parseCanonicalJson('{"a":[9007199254740992]}', { strict: true }), "BAD_JSON", /a\[0\].*out of range/);
    expectProtocolError(() => parseCanonicalJson('{"a":-9007199254740992}', { strict: true }), "BAD_JSON", /out of range/);
    expectProtocolError(() => parseCanonicalJson('{"a":1,"a":2}', { strict: true }), "BAD_JSON", /a.*duplicate/);
    expectProtocolError(() => parseCanonicalJson('{"a":1e400}', { strict: true }), "BAD_JSON");
  });

  it("strict mode accepts the extreme integers and integral exponents", () => {
    expect(parseCanonicalJson("[9007199254740991,-9007199254740991,1e3,-0]", { strict: true })).to.deep.equal([
      9007199254740991, -9007199254740991, 1000, 0,
    ]);
  });

  it("lenient mode keeps floats and the last duplicate", () => {
    expect(parseCanonicalJson('{"a":1.5,"a":2.5}', { strict: false })).to.deep.equal({ a: 2.5 });
  });

  it("rejects escaped lone surrogates", () => {
    expectProtocolError(() => parseCanonicalJson('{"k":"\\ud800"}', { strict: false }), "BAD_JSON", /k.*surrogate/);
  });

  it("requireObject refuses other top levels", () => {
    expectProtocolError(() => parseCanonicalJson("[1]", { strict: true, requireObject: true }), "NOT_JSON", /object/);
    expectProtocolError(() => parseCanonicalJson('"x"', { strict: true, requireObject: true }), "NOT_JSON", /object/);
  });

  it("keeps __proto__ as an ordinary key", () => {
    const v = parseCanonicalJson('{"__proto__":{"x":1}}', { strict: true }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).to.equal(Object.prototype);
    expect(Object.keys(v)).to.deep.equal(["__proto__"]);
    expect(encodeCanonicalJson(v)).to.equal('{"__proto__":{"x":1}}');
  });

  it("refuses absurd nesting", () => {
    expectProtocolError(() => parseCanonicalJson("[".repeat(5000) + "]".repeat(5000), { strict: false }), "BAD_JSON", /deeper/);
  });

  it("agrees with JSON.parse on a realistic event", () => {
    const text = JSON.stringify({ type: "m.room.message", content: { body: 'hi "there" \\ é 😀\t', n: [1, 2, { x: null }] }, depth: 12 });
    expect(parseCanonicalJson(text, { strict: true })).to.deep.equal(JSON.parse(text));
  });
});

describe("protocol/json canonical encoder against a naive reference (seeded random values)", () => {
  // Reference: sort keys by codepoint via Array.from (which splits by codepoint), stringify leaves.
  function naive(v: unknown): string {
    if (Array.isArray(v)) return "[" + v.map(naive).join(",") + "]";
    if (v !== null && typeof v === "object") {
      const o = v as Record<string, unknown>;
      const byCodepoint = (a: string, b: string) => {
        const x = Array.from(a).map((c) => c.codePointAt(0)!);
        const y = Array.from(b).map((c) => c.codePointAt(0)!);
        for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
        return x.length - y.length;
      };
      return (
        "{" +
        Object.keys(o)
          .sort(byCodepoint)
          .map((k) => JSON.stringify(k) + ":" + naive(o[k]))
          .join(",") +
        "}"
      );
    }
    return JSON.stringify(v);
  }
  let seed = 12345;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const alphabet = ["a", "b", "Z", "0", "é", "日", "\uff61", "\ue000", "😀", "𝄞", "\n", '"', "\\", "\u0001", " "];
  const randString = () => Array.from({ length: rand(6) }, () => alphabet[rand(alphabet.length)]).join("");
  function randValue(depth: number): unknown {
    switch (depth > 3 ? rand(4) : rand(6)) {
      case 0:
        return randString();
      case 1:
        return rand(2 ** 31) - 2 ** 30;
      case 2:
        return [true, false, null][rand(3)];
      case 3:
        return rand(2) ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER;
      case 4:
        return Array.from({ length: rand(4) }, () => randValue(depth + 1));
      default: {
        const o: Record<string, unknown> = {};
        for (let i = rand(6); i > 0; i--) o[randString()] = randValue(depth + 1);
        return o;
      }
    }
  }
  it("agrees on 2,000 random values and round-trips through the strict parser", () => {
    for (let i = 0; i < 2000; i++) {
      const v = randValue(0);
      const encoded = encodeCanonicalJson(v, { strict: true });
      expect(encoded).to.equal(naive(v));
      expect(encodeCanonicalJson(parseCanonicalJson(encoded, { strict: true }), { strict: true })).to.equal(encoded);
    }
  });
});
