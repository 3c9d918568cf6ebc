import { expect } from "chai";
import { filterProblem } from "../../../components/userapi/api/filter.js";

describe("userapi: filter shape", () => {
  it("accepts the spec's example filter and unknown keys", () => {
    const filter = {
      room: {
        state: { types: ["m.room.*"], not_rooms: ["!726s6s6q:example.com"] },
        timeline: { limit: 10, types: ["m.room.message"], not_rooms: ["!726s6s6q:example.com"], not_senders: ["@spam:example.com"] },
        ephemeral: { types: ["m.receipt", "m.typing"], not_rooms: ["!726s6s6q:example.com"], not_senders: ["@spam:example.com"] },
      },
      presence: { types: ["m.presence"], not_senders: ["@alice:example.com"] },
      event_format: "client",
      event_fields: ["type", "content", "sender"],
      "org.example.extension": true,
    };
    expect(filterProblem(filter)).to.equal(null);
  });

  it("names the first field of the wrong shape", () => {
    expect(filterProblem({ event_format: "xml" })).to.match(/event_format/);
    expect(filterProblem({ room: { timeline: { limit: 1.5 } } })).to.match(/room\.timeline\.limit/);
    expect(filterProblem({ room: { timeline: { limit: -1 } } })).to.match(/negative/);
    expect(filterProblem({ room: { state: { lazy_load_members: "yes" } } })).to.match(/lazy_load_members/);
    expect(filterProblem({ account_data: [] })).to.match(/account_data/);
    expect(filterProblem({ room: "all" })).to.match(/room must be an object/);
  });
});
