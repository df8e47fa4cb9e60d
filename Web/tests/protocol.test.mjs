// The browser codec against the shared protocol vectors (Tests/Fixtures/protocol), run with `node --test`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CLIENT_TYPES, ENTITY_VISITOR, LEFT, SERVER_NAMES, encodeClient, decodeClientFrame, decodeServerFrame, splitFrame,
} from "../net/protocol.js";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "../../Tests/Fixtures/protocol");
const vectors = readdirSync(fixtures).filter((f) => f.endsWith(".json")).map((f) => JSON.parse(readFileSync(join(fixtures, f), "utf8")));

const hex = (bytes) => Buffer.from(bytes).toString("hex");
const bytes = (h) => new Uint8Array(Buffer.from(h, "hex"));

/** Deep equality with float32 tolerance for numbers that went through f32. */
function close(actual, expected, path = "message") {
  if (typeof expected === "number") {
    assert.ok(Math.abs(actual - expected) <= 1e-6 * Math.max(1, Math.abs(expected)), `${path}: ${actual} vs ${expected}`);
  } else if (Array.isArray(expected)) {
    assert.equal(actual.length, expected.length, `${path}: length`);
    expected.forEach((e, i) => close(actual[i], e, `${path}[${i}]`));
  } else if (expected && typeof expected === "object") {
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${path}: keys`);
    for (const k of Object.keys(expected)) close(actual[k], expected[k], `${path}.${k}`);
  } else {
    assert.equal(actual, expected, path);
  }
}

test("there is a vector for every message", () => {
  assert.ok(vectors.length >= 19);
  const types = new Set(vectors.map((v) => v.message.type));
  for (const name of [...Object.keys(CLIENT_TYPES), ...Object.values(SERVER_NAMES)]) assert.ok(types.has(name), `no vector for ${name}`);
  // The cluster's additions: the handoff, the redirect and `left` because the space moved.
  assert.ok(vectors.some((v) => v.message.type === "left" && v.message.reason === LEFT.moved), "no vector for left moved");
  // Federation's: a visitor's enter record, which ends with their home city's name.
  assert.ok(vectors.some((v) => v.message.type === "snapshot" && v.message.enters.some((e) => e.flags & ENTITY_VISITOR && e.home)),
    "no vector for a visitor's enter record");
});

for (const v of vectors) {
  test(`vector ${v.name}`, () => {
    const frame = bytes(v.hex);
    const [[type]] = splitFrame(frame);
    if (type >= 0x80) {
      close(decodeServerFrame(frame)[0], v.message);
    } else {
      close(decodeClientFrame(frame)[0], v.message);
      assert.equal(hex(encodeClient(v.message)), v.hex, "encodes to the same bytes");
    }
  });
}

test("bad frames are refused with a reason", () => {
  assert.throws(() => decodeServerFrame(new Uint8Array([0x86, 0x10, 0x00, 0x01])), /longer than the frame/);
  assert.throws(() => decodeServerFrame(new Uint8Array([0x88, 0x02, 0x00, 0x01, 0x02])), /bytes after/);
  assert.deepEqual(decodeServerFrame(new Uint8Array([0xf0, 0x00, 0x00])), [{ type: "unknown", code: 0xf0 }]);
});

test("only a visitor's enter record carries a home", () => {
  const [plain, visitor] = ["server-snapshot", "server-snapshot-visitor"].map((name) => vectors.find((v) => v.name === name));
  assert.ok(!("home" in decodeServerFrame(bytes(plain.hex))[0].enters[0]));
  assert.equal(decodeServerFrame(bytes(visitor.hex))[0].enters[0].home, "광주 Gwangju");
});

test("a travel ticket may be up to 4096 bytes", () => {
  const ticket = "bt1." + "a".repeat(5000);
  assert.equal(decodeClientFrame(encodeClient({ type: "visit", version: 1, ticket }))[0].ticket.length, 4096);
});

test("long strings are cut at character boundaries", () => {
  const frame = encodeClient({ type: "joinGuest", space: "s", name: "빛".repeat(40), appearance: { bodyShape: 1, skinColor: 0, primaryColor: 0, secondaryColor: 0, accessory: 0 } });
  assert.equal(decodeClientFrame(frame)[0].name, "빛".repeat(32));
});

test("a layer names a proposal's version, and an empty id with version 0 is today", () => {
  const [proposed, today] = ["client-layer", "client-layer-today"].map((name) => vectors.find((v) => v.name === name));
  assert.deepEqual(decodeClientFrame(bytes(proposed.hex))[0], { type: "layer", proposal: "yeouido-tower", version: 2 });
  assert.equal(hex(encodeClient({ type: "layer", proposal: "", version: 0 })), today.hex);
  const answer = vectors.find((v) => v.name === "server-layer");
  assert.deepEqual(decodeServerFrame(bytes(answer.hex)), [{ type: "layer", proposal: "yeouido-tower", version: 2 }]);
});
