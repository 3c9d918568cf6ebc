import { expect } from "chai";
import type { Deployment } from "../../../../testing/deployment.js";
import { RoomClient } from "../room-client.js";

const ALIAS = { spec: "/directory/room/{roomAlias}" };
const LIST = { spec: "/directory/list/room/{roomId}" };
const PUBLIC = { spec: "/publicRooms" };
const enc = encodeURIComponent;

export function directoryCases(server: () => Deployment): void {
  let owner: RoomClient;
  let other: RoomClient;
  before(async () => {
    [owner, other] = await Promise.all([RoomClient.register(server(), "dirowner"), RoomClient.register(server(), "dirother")]);
  });
  const alias = (name: string) => `#${name}${Date.now()}:${server().serverName}`;

  it("maps, resolves and removes an alias", async () => {
    const roomId = await owner.createRoom();
    const a = alias("map");
    await owner.expectOk("PUT", `/directory/room/${enc(a)}`, { ...ALIAS, body: { room_id: roomId } });
    const found = await other.expectOk("GET", `/directory/room/${enc(a)}`, { ...ALIAS, token: null });
    expect(found).to.deep.equal({ room_id: roomId, servers: [server().serverName] });
    await owner.expectError("PUT", `/directory/room/${enc(a)}`, 409, "M_UNKNOWN", { ...ALIAS, body: { room_id: roomId } });
    await other.expectError("DELETE", `/directory/room/${enc(a)}`, 403, "M_FORBIDDEN", ALIAS);
    await owner.expectOk("DELETE", `/directory/room/${enc(a)}`, ALIAS);
    await other.expectError("GET", `/directory/room/${enc(a)}`, 404, "M_NOT_FOUND", ALIAS);
    await owner.expectError("DELETE", `/directory/room/${enc(a)}`, 404, "M_NOT_FOUND", ALIAS);
  });

  it("refuses bad aliases, bad room IDs and aliases for rooms the user is not in", async () => {
    const roomId = await owner.createRoom();
    await owner.expectError("GET", "/directory/room/nohash", 400, "M_INVALID_PARAM", ALIAS);
    await owner.expectError("PUT", "/directory/room/nohash", 400, "M_INVALID_PARAM", { ...ALIAS, body: { room_id: roomId } });
    await owner.expectError("PUT", `/directory/room/${enc(alias("a"))}`, 400, "M_MISSING_PARAM", { ...ALIAS, body: {} });
    await owner.expectError("PUT", `/directory/room/${enc(alias("b"))}`, 400, "M_INVALID_PARAM", { ...ALIAS, body: { room_id: "x" } });
    await owner.expectError("PUT", `/directory/room/${enc("#x:elsewhere.test")}`, 400, "M_INVALID_PARAM", {
      ...ALIAS,
      body: { room_id: roomId },
    });
    await other.expectError("PUT", `/directory/room/${enc(alias("c"))}`, 403, "M_FORBIDDEN", { ...ALIAS, body: { room_id: roomId } });
    await owner.expectError("PUT", `/directory/room/${enc(alias("d"))}`, 401, "M_MISSING_TOKEN", {
      ...ALIAS,
      body: { room_id: roomId },
      token: null,
    });
  });

  it("lists a room in the published directory and takes it off", async () => {
    const roomId = await owner.createRoom();
    expect(await owner.expectOk("GET", `/directory/list/room/${enc(roomId)}`, { ...LIST, token: null })).to.deep.equal({
      visibility: "private",
    });
    await other.expectError("PUT", `/directory/list/room/${enc(roomId)}`, 403, "M_FORBIDDEN", { ...LIST, body: { visibility: "public" } });
    await owner.expectOk("PUT", `/directory/list/room/${enc(roomId)}`, { ...LIST, body: { visibility: "public" } });
    expect((await owner.expectOk("GET", `/directory/list/room/${enc(roomId)}`, LIST)).visibility).to.equal("public");
    await owner.expectOk("PUT", `/directory/list/room/${enc(roomId)}`, { ...LIST, body: { visibility: "private" } });
    expect((await owner.expectOk("GET", `/directory/list/room/${enc(roomId)}`, LIST)).visibility).to.equal("private");
    await owner.expectError("PUT", `/directory/list/room/${enc(roomId)}`, 400, "M_BAD_JSON", { ...LIST, body: { visibility: "secret" } });
    await owner.expectError("GET", `/directory/list/room/${enc(`!none:${server().serverName}`)}`, 404, "M_NOT_FOUND", LIST);
    await owner.expectError("PUT", `/directory/list/room/${enc(`!none:${server().serverName}`)}`, 404, "M_NOT_FOUND", {
      ...LIST,
      body: {},
    });
  });

  it("serves /publicRooms with room summaries, search, room types and pagination", async () => {
    const tag = `zq${Date.now()}`;
    const space = await owner.createRoom({ visibility: "public", name: `${tag} space`, creation_content: { type: "m.space" } });
    const rooms: string[] = [];
    for (let i = 0; i < 3; i++)
      rooms.push(await owner.createRoom({ visibility: "public", name: `${tag} room ${i}`, topic: "about", room_alias_name: `${tag}${i}` }));
    await other.join(rooms[0]!);

    const all = await other.expectOk("POST", "/publicRooms", { ...PUBLIC, body: { filter: { generic_search_term: tag } } });
    expect(all.total_room_count_estimate).to.equal(4);
    const first = (all.chunk as Record<string, unknown>[]).find((r) => r.room_id === rooms[0]);
    expect(first).to.deep.include({
      name: `${tag} room 0`,
      topic: "about",
      canonical_alias: `#${tag}0:${server().serverName}`,
      num_joined_members: 2,
      world_readable: false,
      guest_can_join: false,
      join_rule: "public",
    });

    const spaces = await other.expectOk("POST", "/publicRooms", {
      ...PUBLIC,
      body: { filter: { generic_search_term: tag, room_types: ["m.space"] } },
    });
    expect((spaces.chunk as { room_id: string }[]).map((r) => r.room_id)).to.deep.equal([space]);
    const plain = await other.expectOk("POST", "/publicRooms", {
      ...PUBLIC,
      body: { filter: { generic_search_term: tag, room_types: [null] } },
    });
    expect(plain.chunk).to.have.length(3);

    const page1 = await other.expectOk("POST", "/publicRooms", { ...PUBLIC, body: { limit: 2, filter: { generic_search_term: tag } } });
    expect(page1.chunk).to.have.length(2);
    const page2 = await other.expectOk("POST", "/publicRooms", {
      ...PUBLIC,
      body: { limit: 2, since: page1.next_batch, filter: { generic_search_term: tag } },
    });
    expect(page2.chunk).to.have.length(2);
    expect(page2.prev_batch).to.equal("0");
    expect(page2.next_batch).to.equal(undefined);
    const seen = [...(page1.chunk as { room_id: string }[]), ...(page2.chunk as { room_id: string }[])].map((r) => r.room_id);
    expect(new Set(seen)).to.deep.equal(new Set([space, ...rooms]));

    const open = await other.expectOk("GET", "/publicRooms", { ...PUBLIC, token: null, query: { limit: "1" } });
    expect(open.chunk).to.have.length(1);
    expect(open.next_batch).to.be.a("string");
  });

  it("pages /publicRooms backwards with prev_batch as it pages forwards, GET and POST", async () => {
    const tag = `zb${Date.now()}`;
    for (let i = 0; i < 5; i++) await owner.createRoom({ visibility: "public", name: `${tag} room ${i}` });
    const ids = (page: Record<string, unknown>) => (page.chunk as { room_id: string }[]).map((r) => r.room_id);
    const post = (since?: string) =>
      other.expectOk("POST", "/publicRooms", { ...PUBLIC, body: { limit: 2, since, filter: { generic_search_term: tag } } });
    const forward = [await post()];
    while (forward.at(-1)!.next_batch) forward.push(await post(forward.at(-1)!.next_batch as string));
    expect(forward.map((p) => ids(p).length)).to.deep.equal([2, 2, 1]);
    expect(forward[0]).to.not.have.property("prev_batch");
    expect(new Set(forward.flatMap(ids)).size).to.equal(5);
    // Back from the last page: the same pages in reverse, each with the same tokens.
    let page = forward[2]!;
    for (const expected of [forward[1]!, forward[0]!]) {
      expect(page.prev_batch).to.be.a("string");
      page = await post(page.prev_batch as string);
      expect(ids(page)).to.deep.equal(ids(expected));
      expect(page.next_batch).to.equal(expected.next_batch);
    }
    expect(page).to.not.have.property("prev_batch");
    // GET over the whole directory: back from the second page is the first.
    const first = await other.expectOk("GET", "/publicRooms", { ...PUBLIC, query: { limit: "1" } });
    const second = await other.expectOk("GET", "/publicRooms", { ...PUBLIC, query: { limit: "1", since: first.next_batch as string } });
    const back = await other.expectOk("GET", "/publicRooms", { ...PUBLIC, query: { limit: "1", since: second.prev_batch as string } });
    expect(ids(back)).to.deep.equal(ids(first));
  });

  it("refuses bad directory requests", async () => {
    await other.expectError("GET", "/publicRooms", 400, "M_INVALID_PARAM", { ...PUBLIC, query: { limit: "-1" } });
    await other.expectError("GET", "/publicRooms", 400, "M_INVALID_PARAM", { ...PUBLIC, query: { since: "bogus" } });
    await other.expectError("POST", "/publicRooms", 400, "M_BAD_JSON", { ...PUBLIC, body: { limit: "ten" } });
    await other.expectError("POST", "/publicRooms", 400, "M_BAD_JSON", { ...PUBLIC, body: { filter: { room_types: [1] } } });
    await other.expectError("POST", "/publicRooms", 401, "M_MISSING_TOKEN", { ...PUBLIC, body: {}, token: null });
    await other.expectError("GET", "/publicRooms", 404, "M_NOT_FOUND", { ...PUBLIC, query: { server: "elsewhere.test" } });
  });
}
