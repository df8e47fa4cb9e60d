// The browser's life-log vault against the vectors an independent implementation (Python's
// `cryptography`) wrote, and the transparency proof checker on a hand-built RFC 6962 tree.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { open, seal, merge } from "../net/lifelog.js";
import { leafHash, verifyInclusion } from "../net/transparency.js";

const here = dirname(fileURLToPath(import.meta.url));
const { vectors } = JSON.parse(readFileSync(join(here, "../../Tests/Fixtures/privacy/vault-vectors.json"), "utf8"));
const unb64 = (t) => Uint8Array.from(Buffer.from(t, "base64"));

test("WebCrypto opens every vector and seals it byte for byte", async () => {
  for (const v of vectors) {
    assert.equal(new TextDecoder().decode(await open(v.envelope, v.passphrase)), v.plaintext);
    const sealed = await seal(new TextEncoder().encode(v.plaintext), v.passphrase,
      { salt: unb64(v.envelope.kdf.salt), nonce: unb64(v.envelope.cipher.nonce), iterations: v.envelope.kdf.iterations });
    assert.deepEqual(sealed, v.envelope);
  }
});

test("a wrong passphrase or a changed byte opens nothing", async () => {
  const v = vectors[0];
  await assert.rejects(open(v.envelope, v.passphrase + "!"), /wrong passphrase/);
  const bytes = unb64(v.envelope.ciphertext);
  bytes[3] ^= 1;
  await assert.rejects(open({ ...v.envelope, ciphertext: Buffer.from(bytes).toString("base64") }, v.passphrase));
  await assert.rejects(open({ ...v.envelope, version: 2 }, v.passphrase), /version 1/);
});

test("merging logs keeps one of each entry, oldest first", () => {
  const a = [{ kind: "visit", at: 2, space: "s", title: "B" }, { kind: "visit", at: 1, space: "s", title: "A" }];
  const b = [{ kind: "visit", at: 2, space: "s", title: "B" }, { kind: "tourStop", at: 3, space: "s", title: "C" }];
  assert.deepEqual(merge(a, b).map((e) => e.title), ["A", "B", "C"]);
});

test("inclusion proofs of a three-leaf RFC 6962 tree verify; forged ones do not", async () => {
  const hex = (b) => Buffer.from(b).toString("hex");
  const node = async (l, r) => new Uint8Array(await crypto.subtle.digest("SHA-256", Buffer.concat([Buffer.of(1), l, r])));
  const [a, b, c] = await Promise.all(["a", "b", "c"].map(leafHash));
  const ab = await node(a, b);
  const root = hex(await node(ab, c));
  assert.ok(await verifyInclusion(a, 0, 3, [hex(b), hex(c)], root));
  assert.ok(await verifyInclusion(c, 2, 3, [hex(ab)], root));
  assert.ok(!(await verifyInclusion(a, 1, 3, [hex(b), hex(c)], root)));
  assert.ok(!(await verifyInclusion(b, 0, 3, [hex(b), hex(c)], root)));
  assert.ok(!(await verifyInclusion(c, 2, 3, [hex(a)], root)));
});
