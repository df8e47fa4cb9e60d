// The connection's life in a cluster against a scripted server: following a redirect with a handoff, rejoining a
// space that moved or is moving, falling back when a ticket is refused, and reconnecting after a server died; and a
// visit from another city, which begins with its ticket and is never retried. Run with `node --test`.
import { test, mock, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { Connection } from "../net/connection.js";
import { CLOSE, ERROR, LEFT, decodeClientFrame } from "../net/protocol.js";

const ORIGIN = "ws://page.example/api/v1/connect";
const NODE2 = "wss://node2.example/api/v1/connect";
const NODE3 = "wss://node3.example/api/v1/connect";

/** A stand-in for the browser's WebSocket: records what the client sends; the test plays the server. */
class FakeSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 3;
  /** @type {FakeSocket[]} */
  static all = [];
  constructor(url) {
    this.url = url;
    this.readyState = FakeSocket.CONNECTING;
    this.sent = [];
    this.closedWith = null;
    FakeSocket.all.push(this);
  }
  send(bytes) { this.sent.push(...decodeClientFrame(bytes)); }
  /** The client's own close; reported at once, so a late `onclose` is exercised. */
  close(code) {
    this.closedWith = code;
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.({ code, reason: "" });
  }
  accept() { this.readyState = FakeSocket.OPEN; this.onopen(); }
  receive(...messages) { this.onmessage({ data: frame(messages).buffer }); }
  /** The server or the network ends it (1006: no close frame). */
  drop(code = 1006, reason = "") {
    this.readyState = FakeSocket.CLOSED;
    this.onclose({ code, reason });
  }
  types() { return this.sent.map((m) => m.type); }
}

/** Server frames for the messages the tests need. */
function frame(messages) {
  const out = [];
  const u16 = (v) => [v & 0xff, v >> 8];
  const str = (s, n) => { const b = [...new TextEncoder().encode(s)]; return [...(n === 1 ? [b.length] : u16(b.length)), ...b]; };
  for (const m of messages) {
    let type; let p;
    switch (m.type) {
      case "welcome": type = 0x81; p = [...u16(1), 20, 1]; break;
      case "joined": type = 0x82; p = [...str(m.space, 1), ...new Array(4 + 9 * 4 + 2).fill(0)]; break;
      case "left": type = 0x88; p = [m.reason]; break;
      case "error": type = 0x86; p = [...u16(m.code), ...str(m.message ?? "", 2)]; break;
      case "redirect": type = 0x8a; p = [...str(m.url, 2), ...str(m.ticket, 2), ...str(m.space, 1)]; break;
      default: throw new Error(m.type);
    }
    out.push(type, ...u16(p.length), ...p);
  }
  return new Uint8Array(out);
}

const GUEST = { type: "joinGuest", space: "gwangju/acc-plaza", name: "빛고을", appearance: { bodyShape: 1, skinColor: 0, primaryColor: 0, secondaryColor: 0, accessory: 0 } };

let statuses; let messages; let connection;
const last = () => FakeSocket.all.at(-1);

beforeEach(() => {
  globalThis.location = /** @type {any} */ ({ protocol: "http:", host: "page.example" });
  globalThis.WebSocket = /** @type {any} */ (FakeSocket);
  FakeSocket.all = [];
  statuses = [];
  messages = [];
  mock.timers.enable({ apis: ["setTimeout"] });
  connection = new Connection({ onMessage: (m) => messages.push(m), onStatus: (kind, reason, code) => statuses.push([kind, reason, code]) });
});
afterEach(() => mock.timers.reset());

/** Opens as a guest and lets the page's server welcome and place the person. */
function arrive() {
  connection.open(GUEST);
  last().accept();
  last().receive({ type: "welcome" }, { type: "joined", space: GUEST.space });
  return last();
}

test("the page's own server gets hello and the join", () => {
  const socket = arrive();
  assert.equal(socket.url, ORIGIN);
  assert.deepEqual(socket.types(), ["hello", "joinGuest"]);
  assert.equal(connection.inSpace, true);
});

test("a redirect is followed with a handoff and no join, and the old socket closes normally", () => {
  const first = arrive();
  connection.send({ type: "teleportSpace", space: "gwangju/gmap" });
  first.receive({ type: "redirect", url: NODE2, ticket: "bt1.abc.def", space: "gwangju/gmap" }, { type: "left", reason: LEFT.teleported });
  assert.equal(first.closedWith, CLOSE.normal);
  assert.deepEqual(messages.slice(-2).map((m) => m.type), ["redirect", "left"], "the page sees the whole frame");
  assert.deepEqual(statuses, [["moving", "gwangju/gmap", undefined]]);
  const second = last();
  assert.equal(second.url, NODE2);
  second.accept();
  assert.deepEqual(second.sent, [{ type: "handoff", version: 1, ticket: "bt1.abc.def" }]);
  second.receive({ type: "welcome" }, { type: "joined", space: "gwangju/gmap" });
  assert.equal(connection.inSpace, true);
  assert.equal(FakeSocket.all.length, 2, "no reconnect for the socket closed on purpose");
  assert.deepEqual(second.types(), ["handoff"], "never a join after a handoff");
});

test("after a redirect a reconnect tries that server first, then the page's own", () => {
  arrive().receive({ type: "redirect", url: NODE2, ticket: "t", space: "gwangju/gmap" });
  last().accept();
  last().receive({ type: "welcome" }, { type: "joined", space: "gwangju/gmap" });
  connection.moveTo("gwangju/gmap");
  last().drop();  // node 2 died
  assert.equal(statuses.at(-1)[0], "closed");
  mock.timers.tick(500);
  assert.equal(last().url, NODE2);
  last().drop();  // unreachable: no welcome
  mock.timers.tick(1000);
  const back = last();
  assert.equal(back.url, ORIGIN);
  back.accept();
  assert.deepEqual(back.sent.map((m) => [m.type, m.space]), [["hello", undefined], ["joinGuest", "gwangju/gmap"]]);
});

test("a refused ticket falls back to hello and the join at the page's server", () => {
  arrive().receive({ type: "redirect", url: NODE2, ticket: "t", space: "gwangju/gmap" });
  last().accept();
  last().drop(CLOSE.ticketRefused, "the ticket expired; go back and try again");
  assert.ok(!statuses.some(([kind]) => kind === "closed"), "no 'connection lost' for a refused ticket");
  mock.timers.tick(500);
  assert.equal(last().url, ORIGIN);
  last().accept();
  assert.deepEqual(last().sent.map((m) => [m.type, m.space]), [["hello", undefined], ["joinGuest", "gwangju/gmap"]]);
});

test("left because the space moved: join again, and wait with backoff while it is moving", () => {
  const socket = arrive();
  socket.receive({ type: "left", reason: LEFT.moved });
  assert.deepEqual(socket.types(), ["hello", "joinGuest", "joinGuest"]);
  assert.equal(statuses.at(-1)[0], "moving");
  const pauses = [500, 1000, 2000, 4000, 4000];
  for (const pause of pauses) {
    const before = socket.sent.length;
    socket.receive({ type: "error", code: ERROR.spaceMoving, message: "moving" });
    mock.timers.tick(pause - 1);
    assert.equal(socket.sent.length, before, `nothing before ${pause} ms`);
    mock.timers.tick(1);
    assert.equal(socket.sent.at(-1).type, "joinGuest");
  }
  socket.receive({ type: "redirect", url: NODE3, ticket: "t3", space: GUEST.space });
  last().accept();
  assert.deepEqual(last().sent, [{ type: "handoff", version: 1, ticket: "t3" }]);
});

test("a teleport into a moving space is asked again from where you stand", () => {
  const socket = arrive();
  connection.send({ type: "teleportSpace", space: "gwangju/gmap" });
  socket.receive({ type: "error", code: ERROR.spaceMoving, message: "moving" });
  mock.timers.tick(500);
  assert.deepEqual(socket.sent.at(-1), { type: "teleportSpace", space: "gwangju/gmap" });
});

test("a space that keeps moving past the retries is reported, not retried for ever", () => {
  const socket = arrive();
  socket.receive({ type: "left", reason: LEFT.moved });
  for (let i = 0; i < 40; i += 1) {
    socket.receive({ type: "error", code: ERROR.spaceMoving, message: "'gwangju/acc-plaza' is moving" });
    mock.timers.tick(4000);
    if (statuses.at(-1)[0] === "unavailable") break;
  }
  assert.deepEqual(statuses.at(-1), ["unavailable", "'gwangju/acc-plaza' is moving", undefined]);
  const joins = socket.types().filter((t) => t === "joinGuest").length;
  assert.ok(joins >= 8 && joins <= 14, `${joins} joins in about 30 s`);
});

test("refusals a retry cannot fix are not retried", () => {
  const socket = arrive();
  socket.drop(CLOSE.invalidSession);
  mock.timers.tick(60_000);
  assert.equal(FakeSocket.all.length, 1);
});

test("a visitor from another city sends the ticket instead of hello, and no join", () => {
  connection.visit("bt1.travel.sig");
  const socket = last();
  assert.equal(socket.url, ORIGIN);
  socket.accept();
  assert.deepEqual(socket.sent, [{ type: "visit", version: 1, ticket: "bt1.travel.sig" }]);
  socket.receive({ type: "welcome" }, { type: "joined", space: "daegu/kim-kwangseok-street" });
  assert.equal(connection.inSpace, true);
  assert.deepEqual(socket.types(), ["visit"]);
});

test("a refused visit, or one sent home, ends there: a spent ticket is never retried", () => {
  for (const code of [CLOSE.travelRefused, CLOSE.defederated, 1006, CLOSE.ticketRefused]) {
    FakeSocket.all = [];
    statuses = [];
    connection.visit("bt1.travel.sig");
    last().accept();
    last().drop(code, "why");
    mock.timers.tick(60_000);
    assert.equal(FakeSocket.all.length, 1, `no reconnect after ${code}`);
    assert.deepEqual(statuses, [["ended", "why", code]]);
  }
});

test("a visit whose socket never opens says the city cannot be reached", () => {
  connection.visit("bt1.travel.sig");
  last().drop();
  mock.timers.tick(60_000);
  assert.equal(FakeSocket.all.length, 1);
  assert.deepEqual(statuses, [["unreachable", "", 1006]]);
});

test("a visitor follows a redirect with a handoff like anyone", () => {
  connection.visit("bt1.travel.sig");
  last().accept();
  last().receive({ type: "welcome" }, { type: "redirect", url: NODE2, ticket: "bt1.handoff", space: "daegu/kim-kwangseok-street" });
  last().accept();
  assert.deepEqual(last().sent, [{ type: "handoff", version: 1, ticket: "bt1.handoff" }]);
});

test("leaving for another city closes normally and retries nothing", () => {
  const socket = arrive();
  connection.close();
  assert.equal(socket.closedWith, CLOSE.normal);
  mock.timers.tick(60_000);
  assert.equal(FakeSocket.all.length, 1);
  assert.deepEqual(statuses, []);
});
