// The locale files against each other and against the code: the same keys and placeholders in Korean and
// English, every key the pages name present, and plural forms chosen by count. Run with `node --test`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { t, useStrings } from "../ui/i18n.js";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const locale = (lang) => JSON.parse(readFileSync(join(web, "locales", `${lang}.json`), "utf8"));
const ko = locale("ko");
const en = locale("en");
const PLURAL = /_(zero|one|two|few|many|other)$/;

/** Keys with their plural forms folded into one: { people: ["{count}"], … }. */
function families(strings) {
  const out = new Map();
  for (const [key, text] of Object.entries(strings)) {
    const base = key.replace(PLURAL, "");
    const names = out.get(base) ?? new Set();
    for (const m of text.matchAll(/\{(\w+)\}/g)) names.add(m[1]);
    out.set(base, names);
  }
  return out;
}

test("Korean and English have the same keys and placeholders", () => {
  const k = families(ko);
  const e = families(en);
  assert.deepEqual([...k.keys()].sort(), [...e.keys()].sort());
  for (const [key, names] of k) assert.deepEqual([...names].sort(), [...e.get(key)].sort(), `placeholders of ${key}`);
});

test("every plural family has an `other` form", () => {
  for (const strings of [ko, en]) {
    for (const key of Object.keys(strings).filter((k) => PLURAL.test(k))) {
      assert.ok(`${key.replace(PLURAL, "")}_other` in strings, `${key} without an _other form`);
    }
  }
});

test("every key the pages and modules name is in the locale", () => {
  const known = families(en);
  const sources = [];
  for (const dir of ["app", "net", "ui", "world"]) {
    for (const f of readdirSync(join(web, dir))) sources.push(readFileSync(join(web, dir, f), "utf8"));
  }
  for (const f of readdirSync(web).filter((f) => f.endsWith(".html"))) sources.push(readFileSync(join(web, f), "utf8"));
  const used = new Set();
  for (const text of sources) {
    for (const m of text.matchAll(/\bt\(\s*"([^"]+)"/g)) used.add(m[1]);
    for (const m of text.matchAll(/data-i18n(?:-label)?="([^"]+)"/g)) used.add(m[1]);
  }
  assert.ok(used.size > 100, `only ${used.size} keys found: is the scan broken?`);
  for (const key of used) assert.ok(known.has(key), `"${key}" is used but not in the locales`);
});

test("a count picks the plural form of the page's language", () => {
  useStrings("en", en);
  assert.equal(t("people", { count: 1 }), "1 person here");
  assert.equal(t("people", { count: 3 }), "3 people here");
  assert.equal(t("occupancy", { count: 1, capacity: 200 }), "1 / 200 people");  // no plural forms: the plain key
  useStrings("ko", ko);
  assert.equal(t("people", { count: 1 }), "함께 있는 사람 1명");
  assert.equal(t("guestName", { number: 1234 }), "방문자 1234");
  assert.equal(t("no-such-key"), "no-such-key");
});
