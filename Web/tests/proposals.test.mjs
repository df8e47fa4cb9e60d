// The plans panel's parts without a browser (docs/planning.md): the requests and their paths, the effects asked for
// until done, a refusal's flat error shape, the comment rules (counter, edit window), the stance a click asks for, the
// roofs that change most, the shadow grid's bytes and colours, and the figures' words. Run with `node --test`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { errorOf } from "../net/api.js";
import {
  COMMENT_MAX, EDIT_WINDOW_MS, canEdit, commentLength, commentProblem, findComment, getEffects, nextStance,
  postComment, proposalsPath, reportPage, topRoofs, vote, waitForEffects,
} from "../net/proposals.js";
import { ERROR_KEYS, errorText } from "../ui/errors.js";
import { t, useStrings } from "../ui/i18n.js";
import { changeText, formatDuration, formatSigned, periodText, progressText } from "../ui/planfigures.js";
import { NO_DATA, addedColour, decodeSteps, shadowPixels, stepCounts } from "../world/shadowmap.js";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const locale = (lang) => JSON.parse(readFileSync(join(web, "locales", `${lang}.json`), "utf8"));
const en = locale("en");
const ko = locale("ko");

globalThis.localStorage = { getItem: () => "tok_plans" };

/** Answers each request with the next of `answers` ([status, body]) and records what was asked. */
function serve(answers) {
  const asked = [];
  globalThis.fetch = async (path, init) => {
    asked.push({ path, method: init.method, body: init.body ? JSON.parse(init.body) : undefined,
      auth: init.headers.Authorization });
    const [status, body] = answers.shift();
    return { status, ok: status < 400, json: async () => body };
  };
  return asked;
}

test("requests go to the space's proposals with the session and the persona", async () => {
  assert.equal(proposalsPath("seoul/yeouido"), "/api/v1/spaces/seoul/yeouido/proposals");
  assert.equal(reportPage("seoul/yeouido", "yeouido-tower"), "/api/v1/spaces/seoul/yeouido/proposals/yeouido-tower/report.html");
  const asked = serve([[200, { stance: "support", tally: { support: 1, oppose: 0 } }], [201, { id: 7, text: "좋아요" }]]);
  assert.deepEqual(await vote("seoul/yeouido", "yeouido-tower", 42, "support"), { stance: "support", tally: { support: 1, oppose: 0 } });
  await postComment("seoul/yeouido", "yeouido-tower", { persona: 42, text: "좋아요", parent: 3 });
  assert.deepEqual(asked, [
    { path: "/api/v1/spaces/seoul/yeouido/proposals/yeouido-tower/votes", method: "POST",
      body: { persona: 42, stance: "support" }, auth: "Bearer tok_plans" },
    { path: "/api/v1/spaces/seoul/yeouido/proposals/yeouido-tower/comments", method: "POST",
      body: { persona: 42, text: "좋아요", parent: 3 }, auth: "Bearer tok_plans" },
  ]);
});

test("the effects are asked for until done, with their progress on the way", async () => {
  const asked = serve([[202, { state: "queued", progress: 0 }], [202, { state: "running", progress: 0.5 }],
    [200, { state: "done", version: 2, solar: null, shadow: null, crowd: null }]]);
  const seen = [];
  const effects = await waitForEffects("seoul/yeouido", "yeouido-tower", 2, { intervalMs: 1, onProgress: (e) => seen.push(e.state) });
  assert.equal(effects.state, "done");
  assert.deepEqual(seen, ["queued", "running"]);
  assert.ok(asked.every((a) => a.path === "/api/v1/spaces/seoul/yeouido/proposals/yeouido-tower/effects?version=2"));
  serve([[200, { state: "failed", reason: "the crowd did not finish" }]]);
  assert.equal((await getEffects("seoul/yeouido", "x")).reason, "the crowd did not finish");
  serve([[202, { state: "running", progress: 0.1 }]]);
  let wanted = true;
  const dropped = waitForEffects("seoul/yeouido", "x", 1,
    { intervalMs: 1, wanted: () => wanted, onProgress: () => { wanted = false; } });
  assert.equal(await dropped, null, "another proposal was chosen meanwhile");
});

test("a refused proposal's flat error reads like an invalid field, and the new codes have their words", async () => {
  assert.deepEqual(errorOf({ error: "invalid", field: "changes[0].heightM", reason: "over 0 and at most 1000" }),
    { code: "invalid", message: "changes[0].heightM: over 0 and at most 1000", field: "changes[0].heightM",
      reason: "over 0 and at most 1000" });
  assert.equal(errorOf({ error: { code: "closed", message: "the period has closed" } }).code, "closed");
  serve([[422, { error: "invalid", field: "text", reason: "1 to 1000 characters" }]]);
  const error = await postComment("seoul/yeouido", "t", { persona: 1, text: "x" }).catch((e) => e);
  assert.equal(error.status, 422);
  useStrings("en", en);
  assert.equal(errorText(error), "The server did not accept the value of text.");
  for (const [code, key] of [["closed", "serverError_proposalClosed"], ["not_open", "serverError_notOpen"],
    ["edit_window_passed", "serverError_editWindowPassed"], ["reply_depth", "serverError_replyDepth"],
    ["rate_limited", "serverError_tooMany"], ["not_signed_in", "serverError_unauthorized"],
    ["unknown_layer", "serverError_unknownLayer"]]) {
    assert.equal(ERROR_KEYS[code], key);
    assert.equal(errorText({ status: 409, code }), en[key]);
    assert.ok(key in ko, key);
  }
});

test("a comment has 1 to 1000 characters, counted as code points, and its author edits it for 10 minutes", () => {
  assert.equal(COMMENT_MAX, 1000);
  assert.equal(commentProblem("   "), "empty");
  assert.equal(commentProblem("빛".repeat(1000)), null);
  assert.equal(commentProblem("빛".repeat(1001)), "tooLong");
  assert.equal(commentLength("👍🏽a"), 3);
  const now = Date.parse("2026-11-30T10:00:00Z");
  const at = (minutesAgo) => new Date(now - minutesAgo * 60_000).toISOString();
  assert.ok(canEdit({ mine: true, createdAt: at(9.9) }, now));
  assert.ok(!canEdit({ mine: true, createdAt: at(EDIT_WINDOW_MS / 60_000) }, now));
  assert.ok(!canEdit({ mine: false, createdAt: at(1) }, now));
  assert.ok(!canEdit({ mine: true, createdAt: "yesterday" }, now));
});

test("a click on the stance taken withdraws it; other lookups", () => {
  assert.equal(nextStance("support", "support"), "none");
  assert.equal(nextStance("oppose", "support"), "support");
  assert.equal(nextStance(undefined, "oppose"), "oppose");
  const roofs = [-5, 20, -300, 7, -1, -80, 2, 3, -4, 9, -11, 1].map((d, i) => ({ id: `way/${i}`, deltaKWh: d }));
  assert.deepEqual(topRoofs(/** @type {any} */ (roofs)).map((r) => r.deltaKWh), [-300, -80, 20, -11, 9, 7, -5, -4, 3, 2]);
  const comments = [{ id: 1, replies: [{ id: 2 }] }, { id: 3, replies: [] }];
  assert.equal(findComment(/** @type {any} */ (comments), "2").id, 2);
  assert.equal(findComment(/** @type {any} */ (comments), 9), null);
});

test("the shadow grid is one signed byte a cell, coloured by added hours and clear without data", () => {
  const steps = decodeSteps(Buffer.from([0, 6, 24, 0x80, 0xfa, 48]).toString("base64"), 3, 2);
  assert.deepEqual([...steps], [0, 6, 24, NO_DATA, -6, 48]);
  assert.throws(() => decodeSteps(Buffer.from([1, 2]).toString("base64"), 3, 2), /2 cells, not 3 × 2/);
  assert.deepEqual(stepCounts(steps), { more: 3, less: 1, none: 1 });
  const pixels = shadowPixels(steps, 10);
  const alpha = (i) => pixels[i * 4 + 3];
  assert.equal(alpha(0), 0, "no change");
  assert.equal(alpha(3), 0, "inside a building");
  assert.ok(alpha(1) > 0 && alpha(2) > alpha(1) && alpha(5) >= alpha(2), "more hours, more opaque");
  assert.deepEqual([...pixels.subarray(4, 7)], addedColour(1), "6 steps of 10 minutes: an hour");
  assert.deepEqual(addedColour(9), [128, 0, 38], "4 hours or more: the darkest");
  assert.ok(pixels[4 * 4 + 2] > pixels[4 * 4], "less shadow is blue");
});

test("the figures in words, in both languages", () => {
  useStrings("en", en);
  assert.equal(formatSigned(-1234.5, "en"), "−1,235");
  assert.equal(formatSigned(8.26, "en", 1), "+8.3");
  assert.equal(formatDuration(512.3, "en"), "8 min 32 s");
  assert.equal(progressText({ state: "running", progress: 0.42 }), "Computing the effects… 42%");
  assert.equal(changeText({ kind: "add_building", id: "tower", heightM: 105 }, "en"), "New building “tower”, 105 m tall");
  assert.equal(changeText({ kind: "remove_buildings", ids: ["way/1"] }, "en"), "Removes 1 building");
  assert.equal(changeText({ kind: "crowd", agents: 4800, exits: 2 }, "en"), "Crowd scenario: 4,800 people, 2 exits");
  const summary = /** @type {any} */ ({ state: "open", period: { opens: "2026-11-20T00:00:00+09:00", closes: "2027-01-31T23:59:59+09:00" } });
  assert.equal(periodText(summary, "en"), "Nov 20, 2026 – Jan 31, 2027 · open for comments and votes", "the city's days");
  useStrings("ko", ko);
  assert.equal(t("planTally", { support: 1, oppose: 0 }), "찬성 1 · 반대 0");
  assert.equal(changeText({ kind: "remove_buildings", ids: ["way/1", "way/2"] }, "ko"), "건물 2개 철거");
  assert.equal(formatDuration(540.1, "ko"), "9분 0초");
  // Keys the panel builds at run time, which the locale scan (t("…") literals) does not see.
  for (const key of ["planShadow_winter", "planShadow_summer", "serverError_proposalClosed", "serverError_notOpen"]) {
    assert.ok(key in en && key in ko, key);
  }
});
