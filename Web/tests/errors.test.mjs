// The server's error codes in words (ui/errors.js): every code the server sends has a string of its own in Korean
// and English, so no page shows the server's English in its frame ("The server said: …") for a code it knows. The
// list below is checked against the server's source, so a new code there fails here until it has its string.
// Run with `node --test`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { useStrings } from "../ui/i18n.js";
import { ERROR_KEYS, errorKey, errorText } from "../ui/errors.js";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const server = join(web, "..", "Sources", "BitgoeulServer");
const locale = (lang) => JSON.parse(readFileSync(join(web, "locales", `${lang}.json`), "utf8"));
const ko = locale("ko");
const en = locale("en");
const PLURAL = /_(zero|one|two|few|many|other)$/;

/** Every code the server sends in `{ error: { code, message } }`: its APIErrors and the connection guard's. */
const SERVER_CODES = [
  // APIError.swift: the helpers, Hummingbird's errors and the error middleware
  "bad_request", "invalid_field", "unauthorized", "busy", "internal", "not_found", "method_not_allowed", "too_large",
  "database_unavailable", "unsupported_media_type",
  // ConnectionGuard.swift
  "full", "request_timeout", "headers_too_large",
  // Accounts, personas, privacy
  "invalid_credentials", "too_many_attempts", "username_taken", "name_taken", "persona_limit", "password_wrong",
  "vault_changed",
  // Missions
  "not_there", "not_in_world", "too_many", "not_allowed", "limit",
  // World, solar, statistics
  "unknown_space", "unknown_asset", "no_asset", "unknown_boundaries", "no_solar_analysis", "future_hour", "future_date",
  "not_released",
  // Moderation, transparency
  "already_closed", "guest_target", "empty_log",
  // Federation, travel, the cluster
  "not_federated", "unknown_city", "peer_unavailable", "peer_unreachable", "elsewhere", "not_here", "parcel_refused",
  // Proposals (docs/planning.md)
  "invalid", "closed", "not_open", "edit_window_passed", "reply_depth", "rate_limited", "not_signed_in", "not_closed",
  "unknown_persona", "sanctioned", "conflict",
];

/** The Swift files under `dir`. @param {string} dir @returns {string[]} */
function swiftFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return swiftFiles(path);
    return name.endsWith(".swift") ? [path] : [];
  });
}

/** The literal error codes in the server's source (`http_<status>` is built at run time and read by its status). */
function codesInSource() {
  const found = new Set();
  const patterns = [
    /APIError(?:\.tooMany)?\(\s*(?:\.[A-Za-z]+\s*,\s*)?"([a-z0-9_]+)"/g,  // APIError(.conflict, "name_taken", …)
    /\brefuse\(\s*context\s*,\s*\.[A-Za-z]+\s*,\s*"([a-z0-9_]+)"/g,       // the connection guard's refusals
    /"code":"([a-z0-9_]+)"/g,                                               // a body written out by hand
    /\bcode = "([a-z0-9_]+)"/g,                                             // Hummingbird's errors' codes
  ];
  for (const file of swiftFiles(server)) {
    const text = readFileSync(file, "utf8");
    for (const pattern of patterns) for (const m of text.matchAll(pattern)) found.add(m[1]);
  }
  return found;
}

test("every error code the server sends has its string in Korean and English", () => {
  for (const code of SERVER_CODES) {
    assert.ok(Object.hasOwn(ERROR_KEYS, code), `${code} is in ERROR_KEYS`);
    const key = errorKey({ code });
    assert.equal(key, ERROR_KEYS[code]);
    assert.ok(key in en, `${key} (${code}) in en`);
    assert.ok(key in ko, `${key} (${code}) in ko`);
    assert.ok(!PLURAL.test(key), `${key} does not end like a plural form`);
  }
  for (const key of Object.values(ERROR_KEYS)) assert.ok(key in en && key in ko, key);
});

test("the list of codes is the server's: no code in its source is missing", { skip: !existsSync(server) && "no server source" }, () => {
  const found = codesInSource();
  assert.ok(found.size >= 30, `only ${found.size} codes found: is the scan broken?`);
  for (const code of ["invalid_credentials", "name_taken", "future_hour", "headers_too_large", "database_unavailable"]) {
    assert.ok(found.has(code), `the scan finds ${code}`);
  }
  const missing = [...found].filter((code) => !SERVER_CODES.includes(code));
  assert.deepEqual(missing, [], "codes the server sends without a string in ui/errors.js");
});

/** An error as net/api.js throws it. */
const apiError = (status, code, message) => Object.assign(new Error(message), { status, code });

test("the sign-in, persona and statistics pages' errors are in the page's language, not the server's framed", () => {
  useStrings("en", en);
  const cases = [
    [401, "invalid_credentials", "the username or password is wrong"],
    [429, "too_many_attempts", "too many failed sign-ins for this account; try again in 30 s"],
    [409, "username_taken", "that username is taken; choose another"],
    [409, "name_taken", "that persona name is taken; choose another"],
    [409, "persona_limit", "at most 5 personas"],
    [400, "future_hour", "that hour has not begun; releases follow each hour"],
    [400, "future_date", "that day has not begun yet"],
    [404, "not_released", "no release for that hour (budget spent, or no data was kept)"],
    [404, "unknown_space", "give ?space= with the id of a space of this world"],
  ];
  for (const [status, code, message] of cases) {
    const text = errorText(apiError(status, code, message));
    assert.equal(text, en[ERROR_KEYS[code]], code);
    assert.ok(!text.includes(message), `${code}: not the server's words`);
    assert.ok(!text.startsWith("The server said"), `${code}: not framed`);
  }
  useStrings("ko", ko);
  assert.equal(errorText(apiError(401, "invalid_credentials", "the username or password is wrong")),
    ko.serverError_invalidCredentials);
  assert.equal(errorText(apiError(409, "brand_new", "something new")), "서버의 응답: something new", "an unknown code still falls back");
});

test("the server's catch-all http_<status> is read by its status", () => {
  useStrings("en", en);
  assert.equal(errorKey({ status: 408, code: "http_408" }), ERROR_KEYS.request_timeout);
  assert.equal(errorKey({ status: 417, code: "http_417" }), ERROR_KEYS.bad_request);
  assert.equal(errorText(apiError(417, "http_417", "Expectation Failed")), en.serverError_badRequest);
  assert.equal(errorKey({ code: "http_" }), null, "not a status");
});

test("a page's own fields name their rules; other fields the generic string", () => {
  useStrings("en", en);
  const fields = { username: "invalidField_username", password: "invalidField_password" };
  assert.equal(errorText(apiError(422, "invalid_field", "password: 8 to 128 characters"), {}, fields), en.invalidField_password);
  assert.equal(errorText(apiError(422, "invalid_field", "hour: the hour of the day, 0 to 23"), {}, fields),
    "The server did not accept the value of hour.");
  assert.equal(errorText(apiError(401, "unauthorized", "sign in"), { unauthorized: "sessionEnded" }), en.sessionEnded);
  // The keys persona.js gives its fields and an ended session, which the locale scan (t("…") only) does not see.
  const persona = readFileSync(join(web, "app", "persona.js"), "utf8");
  const keys = [...persona.matchAll(/"(invalidField_\w+|sessionEnded)"/g)].map((m) => m[1]);
  assert.ok(keys.length >= 5, `persona.js names ${keys.length} such keys`);
  for (const key of keys) assert.ok(key in en && key in ko, `${key} in both locales`);
});
