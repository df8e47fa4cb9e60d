// Travel between cities without a browser: the fragments a page reads, the addresses of another city's page and of
// the way home, the ticket's claims, why no ticket came, the landing page's map projection, the space a page
// starts in and how visitors are named. Run with `node --test`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startingSpace } from "../app/state.js";
import { ENTITY_GUEST, ENTITY_VISITOR } from "../net/protocol.js";
import {
  homePage, httpBase, onwardUrl, parseArrival, takeArrival, ticketClaims, ticketProblem, visitUrl,
} from "../net/travel.js";
import { fitProjection, pathOf, positions } from "../ui/cities.js";
import { useStrings } from "../ui/i18n.js";
import { personLabel } from "../ui/presence.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const en = JSON.parse(readFileSync(join(root, "Web/locales/en.json"), "utf8"));
const TICKET = `bt1.${Buffer.from(JSON.stringify({ v: 1, typ: "travel", iss: "gwangju.example", aud: "daegu.example",
  sub: "abc", name: "민지", appearance: { bodyShape: "broad", skinColor: "#e0b89a", primaryColor: "#3a6ea5",
    secondaryColor: "#2d2d2d", accessory: "hat" }, lang: "ko", space: "daegu/kim-kwangseok-street" })).toString("base64url")}.c2ln`;
const GWANGJU = { home: "gwangju.example", homeName: "광주 Gwangju", homeUrl: "http://127.0.0.1:8080" };

test("a fragment asks to visit, to travel on, or to be home", () => {
  assert.deepEqual(parseArrival(`#visit=${encodeURIComponent(TICKET)}&home=${encodeURIComponent("http://127.0.0.1:8080/")}`),
    { kind: "visit", ticket: TICKET, home: "http://127.0.0.1:8080" });
  assert.deepEqual(parseArrival(`#visit=${TICKET}`), { kind: "visit", ticket: TICKET, home: null });
  assert.deepEqual(parseArrival("#travel=jeju.example&space=jeju%2Farario-tapdong"),
    { kind: "travel", city: "jeju.example", space: "jeju/arario-tapdong" });
  assert.deepEqual(parseArrival("#travel=jeju.example&space=jeju/arario-tapdong"),
    { kind: "travel", city: "jeju.example", space: "jeju/arario-tapdong" });
  assert.deepEqual(parseArrival("#home"), { kind: "home" });
  for (const nothing of ["", "#", "#visit=", "#travel=jeju.example", "#section-2"]) assert.equal(parseArrival(nothing), null, nothing);
});

test("a home address from a fragment becomes a link only when it is http(s)", () => {
  assert.equal(parseArrival(`#visit=t&home=${encodeURIComponent("javascript:alert(1)")}`).home, null);
  assert.equal(httpBase("https://gwangju.example/"), "https://gwangju.example");
  assert.equal(httpBase("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
  assert.equal(httpBase("https://example.org/city/?x=1#y"), "https://example.org/city");
  for (const bad of ["javascript:alert(1)", "data:text/html,hi", "/relative", "", "ftp://x.example"]) assert.equal(httpBase(bad), null, bad);
});

test("the fragment is cleared from the address and the history at once", () => {
  const calls = [];
  const past = { state: { kept: true }, replaceState: (...args) => calls.push(args) };
  const arrival = takeArrival({ hash: `#visit=${TICKET}`, pathname: "/space.html", search: "?lang=en" }, past);
  assert.equal(arrival.kind, "visit");
  assert.deepEqual(calls, [[{ kept: true }, "", "/space.html?lang=en"]]);
  assert.equal(takeArrival({ hash: "", pathname: "/space.html", search: "" }, past), null);
  assert.equal(calls.length, 1, "nothing to clear");
});

test("the destination's page carries the ticket, the language and the way home in its fragment", () => {
  const url = visitUrl("http://127.0.0.1:8090/space.html", TICKET, { home: "http://127.0.0.1:8080", lang: "en" });
  assert.equal(url, `http://127.0.0.1:8090/space.html?lang=en#visit=${TICKET}&home=http%3A%2F%2F127.0.0.1%3A8080`);
  const back = new URL(url);
  assert.deepEqual(parseArrival(back.hash), { kind: "visit", ticket: TICKET, home: "http://127.0.0.1:8080" });
  // A ticket with characters a fragment must escape comes back whole.
  assert.equal(parseArrival(new URL(visitUrl("https://d.example/space.html?x=1#old", "a+b/c=&d", { home: "https://g.example", lang: "ko" })).hash).ticket, "a+b/c=&d");
});

test("a visitor goes home, or by way of home to a third city", () => {
  assert.equal(homePage("http://127.0.0.1:8080/", { lang: "ko" }), "http://127.0.0.1:8080/space.html?lang=ko#home");
  assert.equal(onwardUrl(GWANGJU, "gwangju.example", "gwangju/acc-plaza", "en"),
    "http://127.0.0.1:8080/space.html?space=gwangju%2Facc-plaza&lang=en#home");
  const onward = new URL(onwardUrl(GWANGJU, "jeju.example", "jeju/arario-tapdong", "ko"));
  assert.equal(onward.origin + onward.pathname, "http://127.0.0.1:8080/space.html");
  assert.equal(onward.searchParams.get("lang"), "ko");
  assert.deepEqual(parseArrival(onward.hash), { kind: "travel", city: "jeju.example", space: "jeju/arario-tapdong" });
});

test("a ticket's claims give the arrival space and the persona's look; anything else gives nothing", () => {
  const claims = ticketClaims(TICKET);
  assert.equal(claims.space, "daegu/kim-kwangseok-street");
  assert.equal(claims.name, "민지");
  assert.equal(claims.appearance.accessory, "hat");
  // The protocol vector's ticket has none of them.
  assert.deepEqual(ticketClaims("bt1.eyJ2IjoxLCJpc3MiOiJub2RlLTEifQ.c2lnbmF0dXJl"), { space: null, name: null, appearance: null });
  for (const bad of ["", "bt1", "bt2.e30.x", "bt1.!!!.x", `bt1.${Buffer.from("[1,").toString("base64url")}.x`]) {
    assert.equal(ticketClaims(bad), null, bad);
  }
});

test("why no ticket came", () => {
  assert.equal(ticketProblem({ status: 401, code: "unauthorized" }), "travelSignIn");
  assert.equal(ticketProblem({ status: 404, code: "unknown_city" }), "travelUnknownCity");
  assert.equal(ticketProblem({ status: 404, code: "not_federated" }), "travelUnknownCity");
  assert.equal(ticketProblem({ status: 404, code: "not_found" }), "travelNoPersona");
  assert.equal(ticketProblem({ status: 403, code: "not_allowed" }), "travelNotAllowed");
  assert.equal(ticketProblem({ status: 404, code: "unknown_space" }), "travelUnknownSpace");
  assert.equal(ticketProblem({ status: 503, code: "peer_unavailable" }), "cityUnreachable");
  assert.equal(ticketProblem({ status: 503, code: "peer_unreachable" }), "cityUnreachable");
  assert.equal(ticketProblem({ status: 503, code: "busy" }), "travelFailed");
  assert.equal(ticketProblem({ status: 422, code: "invalid_field" }), "travelFailed");
  assert.equal(ticketProblem(new TypeError("Failed to fetch")), "travelFailed");
  for (const key of ["travelSignIn", "travelUnknownCity", "travelUnknownSpace", "travelNoPersona", "travelNotAllowed", "cityUnreachable", "travelFailed"]) {
    assert.ok(key in en, key);
  }
});

test("the federation map: north up, longitude shrunk by the cosine of the latitude, everything in view", () => {
  const gwangju = [126.85, 35.15];
  const daegu = [128.6, 35.87];
  const jeju = [126.53, 33.5];
  const { project, viewBox, unit } = fitProjection([gwangju, daegu, jeju], 0);
  const [x0, y0] = project([126.53, 35.87]);  // the north-west corner
  assert.deepEqual([x0, y0], [0, 0]);
  const [xd, yd] = project(daegu);
  const k = Math.cos(((33.5 + 35.87) / 2) * Math.PI / 180);
  assert.ok(Math.abs(xd - (128.6 - 126.53) * k * 1000) < 1e-9);
  assert.equal(yd, 0);
  const [, yj] = project(jeju);
  assert.ok(Math.abs(yj - 2370) < 1e-6, "south is down, 1000 to a degree");
  const [vx, vy, vw, vh] = viewBox.split(" ").map(Number);
  assert.deepEqual([vx, vy], [0, 0]);
  assert.ok(Math.abs(vw - xd) < 0.1 && Math.abs(vh - 2370) < 0.1);
  assert.ok(Math.abs(unit - 23.7) < 1e-9);
  // A margin is a share of the larger side, on every side.
  const framed = fitProjection([gwangju, daegu, jeju]).viewBox.split(" ").map(Number);
  assert.ok(Math.abs(framed[0] + 0.08 * 2370) < 0.1 && Math.abs(framed[3] - 2370 * 1.16) < 0.1);
});

test("the federation's districts become closed paths", () => {
  const boundaries = JSON.parse(readFileSync(join(root, "worlds/boundaries/federation_demo_sigungu_kostat2018.geojson"), "utf8"));
  const points = boundaries.features.flatMap((f) => positions(f.geometry));
  assert.ok(points.length > 100 && points.every((p) => p.length >= 2 && p[0] > 124 && p[0] < 131 && p[1] > 33 && p[1] < 39));
  const { project } = fitProjection(points);
  for (const f of boundaries.features) {
    const d = pathOf(f.geometry, project);
    assert.match(d, /^M[-\d.]+,[-\d.]+(L[-\d.]+,[-\d.]+)+Z/);
    assert.equal(d.split("M").length - 1, d.split("Z").length - 1, "every ring closed");
  }
  const square = { type: "Polygon", coordinates: [[[0, 1], [1, 1], [1, 0], [0, 1]]] };
  assert.equal(pathOf(square, fitProjection([[0, 0], [1, 1]], 0).project), "M0.0,0.0L1000.0,0.0L1000.0,1000.0L0.0,0.0Z");
});

test("a page starts in the space it asks for when this world has it", () => {
  const world = { regions: [{ spaces: [{ id: "daegu/kim-kwangseok-street" }] }] };
  assert.equal(startingSpace(world, null, "daegu/kim-kwangseok-street", "gwangju/acc-plaza"), "daegu/kim-kwangseok-street");
  assert.equal(startingSpace(world, "gwangju/acc-plaza"), "daegu/kim-kwangseok-street", "another city's page");
  const gwangju = { regions: [{ spaces: [{ id: "gwangju/acc-plaza" }, { id: "gwangju/gmap" }] }] };
  assert.equal(startingSpace(gwangju, "gwangju/gmap", undefined, "gwangju/acc-plaza"), "gwangju/gmap");
  assert.equal(startingSpace(gwangju, "gwangju/gone", undefined, "gwangju/acc-plaza"), "gwangju/acc-plaza");
});

test("visitors are named with their home city", () => {
  useStrings("en", en);
  assert.equal(personLabel("민지", ENTITY_VISITOR, "광주 Gwangju"), "민지 (visiting from 광주 Gwangju)");
  assert.equal(personLabel("민지", ENTITY_VISITOR), "민지 (visitor from another city)");
  assert.equal(personLabel("Duri", ENTITY_GUEST), "Duri (guest)");
  assert.equal(personLabel("Hana", 0), "Hana");
});
