// The missions' pure helpers without a browser: the arrow's turn from the bearing and the compass, distances and sides
// (ui/wayfinding.js), a fix's shape and its pacing (net/fixes.js), answers, what a task shows, a mission's state in
// words, the server's errors in words (ui/errors.js), a stamp's life-log entry (ui/stamplog.js), the editor's
// templates and field paths, and that every key the pages build at run time is in both locales. Run with `node --test`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { FIX_INTERVAL_MS, FixPacer, fixBody } from "../net/fixes.js";
import { isRepeat } from "../net/lifelog.js";
import { ANSWER_MAX, REWARDS, answerBody } from "../net/missions.js";
import { ACCESSORY } from "../net/protocol.js";
import { ERROR_KEYS, errorKey, errorText } from "../ui/errors.js";
import { localized, t, useStrings } from "../ui/i18n.js";
import { controlFor, fieldError, getPath, parsePath, setPath } from "../ui/missionfields.js";
import {
  REFUSALS, answerError, completeText, fixError, openState, openText, refusalKey, refusalText, verdictStatus,
} from "../ui/missionstatus.js";
import { answerProblem, answerProblemText, describeTask, taskKey } from "../ui/missiontask.js";
import { stampEntry } from "../ui/stamplog.js";
import { TASK_KINDS, checkpointTemplate, editorKind, missionTemplate, taskTemplate } from "../ui/missiontemplates.js";
import {
  DIRECTIONS, arrowRotation, compassHeading, directionFrom, enuBearing, formatDistance, mirrorSpaceIn, normalizeDegrees,
  sameSpace,
} from "../ui/wayfinding.js";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const locale = (lang) => JSON.parse(readFileSync(join(web, "locales", `${lang}.json`), "utf8"));
const en = locale("en");
const ko = locale("ko");

test("the arrow turns by the bearing less the compass heading, and points from north without a compass", () => {
  assert.equal(arrowRotation(45, null), 45);
  assert.equal(arrowRotation(45, 0), 45);
  assert.equal(arrowRotation(45, 90), 315, "facing east, north-east is ahead on the left");
  assert.equal(arrowRotation(10, 350), 20, "across north");
  assert.equal(arrowRotation(350, 10), 340);
  assert.equal(arrowRotation(180, 180), 0, "facing the target: straight up");
  assert.equal(arrowRotation(291, 291 + 360), 0);
  for (const [d, want] of [[-0, 0], [360, 0], [720, 0], [-90, 270], [359.5, 359.5], [-360, 0]]) {
    assert.ok(Object.is(normalizeDegrees(d), want), `${d} → ${normalizeDegrees(d)}`);
  }
  for (const d of [-1e-13, 1e-13, -359.9999, 1e9 + 0.5]) {
    assert.ok(normalizeDegrees(d) >= 0 && normalizeDegrees(d) < 360, `${d} → ${normalizeDegrees(d)}`);
  }
});

test("the compass heading comes from iOS's webkitCompassHeading or an absolute orientation, never a relative one", () => {
  assert.equal(compassHeading({ webkitCompassHeading: 270 }), 270);
  assert.equal(compassHeading({ webkitCompassHeading: 270 }, 90), 0, "turned to landscape");
  assert.equal(compassHeading({ alpha: 90, beta: 0, gamma: 0, absolute: false }), null, "relative to where the page started");
  assert.equal(compassHeading({ alpha: null, absolute: true }), null);
  // Flat on the hand: alpha counts counter-clockwise, so the top of a phone turned 90° left points west.
  assert.equal(Math.round(compassHeading({ alpha: 90, beta: 0, gamma: 0, absolute: true })), 270);
  assert.equal(Math.round(compassHeading({ alpha: 0, beta: 10, gamma: -5, absolute: true })), 0);
  assert.equal(Math.round(compassHeading({ alpha: 300, beta: 20, gamma: 0, absolute: true })), 60);
  // Held upright (as for the camera view): the heading is where the rear camera looks.
  assert.equal(Math.round(compassHeading({ alpha: 0, beta: 90, gamma: 0, absolute: true })), 0);
  assert.equal(Math.round(compassHeading({ alpha: 90, beta: 90, gamma: 0, absolute: true })), 270);
  assert.equal(Math.round(compassHeading({ alpha: 315, beta: 80, gamma: 0, absolute: true })), 45);
});

test("a distance reads in metres below a kilometre and in kilometres above, with the locale's units", () => {
  useStrings("en", en);
  assert.equal(formatDistance(0), "0 m");
  assert.equal(formatDistance(35.4), "35 m");
  assert.equal(formatDistance(412.3), "412 m");
  assert.equal(formatDistance(999.4), "999 m");
  assert.equal(formatDistance(999.6), "1.0 km");
  assert.equal(formatDistance(1234), "1.2 km");
  assert.equal(formatDistance(9949), "9.9 km");
  assert.equal(formatDistance(12345), "12 km");
  for (const bad of [NaN, -1, Infinity]) assert.equal(formatDistance(bad), "");
  useStrings("ko", { ...ko, distanceM: "{m}미터", distanceKm: "{km}킬로미터" });
  assert.equal(formatDistance(35.4), "35미터", "the units come from the locale");
  assert.equal(formatDistance(1234), "1.2킬로미터");
  useStrings("en", en);
});

test("a fix carries the position, its accuracy and its time in seconds, and the date only when chosen", () => {
  const position = { coords: { latitude: 35.14743, longitude: 126.919358, accuracy: 8.5 }, timestamp: 1795838400123 };
  assert.deepEqual(fixBody(position, 7, false), { persona: 7, latitude: 35.14743, longitude: 126.919358, accuracyM: 8.5,
    timeS: 1795838400.123, keepDate: false });
  assert.deepEqual(fixBody(position, 7, true, "chungjangro"), { persona: 7, latitude: 35.14743, longitude: 126.919358,
    accuracyM: 8.5, timeS: 1795838400.123, keepDate: true, checkpoint: "chungjangro" });
});

/** A hand-driven clock and timer, and a send whose answers the test releases. */
function harness() {
  let now = 0;
  /** @type {{ at: number, fn: () => void }[]} */
  let timers = [];
  const sent = [];
  const answers = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const pacer = new FixPacer((fix) => {
    sent.push({ fix, at: now });
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return new Promise((resolve) => answers.push(() => { inFlight -= 1; resolve(null); }));
  }, {
    now: () => now,
    later: (fn, ms) => { const timer = { at: now + ms, fn }; timers.push(timer); return timer; },
    cancel: (timer) => { timers = timers.filter((x) => x !== timer); },
  });
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    pacer, sent, get maxInFlight() { return maxInFlight; },
    fix: (timeS) => ({ persona: 1, latitude: 35, longitude: 126, accuracyM: 5, timeS, keepDate: false }),
    async advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((x) => x.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        now = due.at;
        timers = timers.filter((x) => x !== due);
        due.fn();
        await settle();
      }
      now = end;
      await settle();
    },
    async answer() { answers.shift()?.(); await settle(); },
    settle,
  };
}

test("fixes go one at a time, at most two a second; a newer fix replaces a waiting one, an older is dropped", async () => {
  const h = harness();
  h.pacer.offer(h.fix(100));
  await h.settle();
  assert.deepEqual(h.sent.map((s) => s.fix.timeS), [100], "the first goes at once");
  await h.advance(100);
  h.pacer.offer(h.fix(100.1));
  await h.advance(100);
  h.pacer.offer(h.fix(100.2));
  assert.equal(h.sent.length, 1, "one request in flight at a time");
  await h.advance(100);
  await h.answer();  // t = 300: the first is answered; the next waits until 500 ms after the first went
  assert.equal(h.sent.length, 1);
  await h.advance(199);
  assert.equal(h.sent.length, 1);
  await h.advance(1);
  assert.deepEqual(h.sent.map((s) => s.fix.timeS), [100, 100.2], "the newest waiting fix, not the one it replaced");
  assert.equal(h.sent[1].at, FIX_INTERVAL_MS);
  await h.answer();
  h.pacer.offer(h.fix(100.15));
  h.pacer.offer(h.fix(100.2));
  await h.advance(2000);
  assert.equal(h.sent.length, 2, "a fix not newer than the last sent is not sent (the server would refuse it)");
  h.pacer.stop();
  h.pacer.offer(h.fix(200));
  await h.advance(2000);
  assert.equal(h.sent.length, 2, "nothing after stop");
  assert.equal(h.maxInFlight, 1);
});

test("a watch firing ten times a second sends at most two fixes a second, answered or not", async () => {
  const h = harness();
  for (let i = 0; i < 50; i++) {
    h.pacer.offer(h.fix(1000 + i / 10));
    await h.advance(100);
    if (i % 2 === 1) await h.answer();
  }
  const times = h.sent.map((s) => s.at);
  for (let i = 1; i < times.length; i++) assert.ok(times[i] - times[i - 1] >= FIX_INTERVAL_MS, `${times}`);
  for (let start = 0; start <= 4000; start += 100) {
    assert.ok(times.filter((at) => at >= start && at < start + 1000).length <= 2, `more than 2 in the second at ${start}`);
  }
  assert.ok(h.sent.length >= 8, `the walk still goes on: ${h.sent.length} sent`);
  assert.equal(h.maxInFlight, 1);
  const sentTimes = h.sent.map((s) => s.fix.timeS);
  assert.deepEqual(sentTimes, [...sentTimes].sort((a, b) => a - b), "in order");
});

test("an answer is trimmed free text of up to 200 characters, or a choice's index", () => {
  const who = { persona: 3, checkpoint: "acc", keepDate: false };
  assert.deepEqual(answerBody(who, { text: "  5·18 민주광장 " }), { ...who, answer: "5·18 민주광장" });
  assert.deepEqual(answerBody({ ...who, keepDate: true }, { choice: 0 }), { ...who, keepDate: true, choice: 0 });
  assert.deepEqual(answerBody(who, { choice: 2 }), { ...who, choice: 2 });
  assert.equal(answerBody(who, { text: "   " }), null);
  assert.equal(answerBody(who, { text: "가".repeat(201) }), null);
  assert.deepEqual(answerBody(who, { text: "가".repeat(200) }).answer.length, 200);
  assert.equal(answerBody(who, { choice: -1 }), null);
  assert.equal(answerBody(who, { choice: 1.5 }), null);
  assert.equal("answer" in answerBody(who, { choice: 1 }), false, "a choice sends no text");
});

test("an answer of only spaces is not sent silently: the player is asked to write one", () => {
  useStrings("en", en);
  for (const blank of ["", "   ", "\t\n ", "\u3000"]) assert.equal(answerProblem(blank), "taskWriteAnswer", JSON.stringify(blank));
  assert.equal(answerProblemText("  "), en.taskWriteAnswer);
  assert.equal(answerProblem(" 5·18 민주광장 "), null);
  assert.equal(answerProblem("가".repeat(ANSWER_MAX)), null);
  assert.equal(answerProblem("가".repeat(ANSWER_MAX + 1)), "taskAnswerTooLong");
  assert.equal(answerProblemText("가".repeat(ANSWER_MAX + 1)), t("taskAnswerTooLong", { max: ANSWER_MAX }));
  assert.match(answerProblemText("가".repeat(ANSWER_MAX + 1)), /200/);
  useStrings("ko", ko);
  assert.equal(answerProblemText(" "), ko.taskWriteAnswer);
});

test("a task shows its prompt and asks for text or a choice; a meeting shows counts and nothing else", () => {
  useStrings("en", en);
  const choice = describeTask({ kind: "question", prompt: { ko: "어디?", en: "Where?" },
    choices: [{ ko: "광장", en: "Square" }, { ko: "분수", en: "Fountain" }] }, "en");
  assert.deepEqual(choice, { lines: ["Where?"], input: "choices", choices: ["Square", "Fountain"], label: "Your answer" });
  assert.deepEqual(describeTask({ kind: "question", prompt: { ko: "어디?", en: "Where?" } }, "ko").lines, ["어디?"]);
  assert.equal(describeTask({ kind: "question", prompt: { ko: "어디?", en: "Where?" } }, "en").input, "text");
  const artwork = describeTask({ kind: "artwork", artist: "Lee Ufan", year: 1971 }, "en");
  assert.equal(artwork.input, "text");
  assert.equal(artwork.lines[0], "Find the work by Lee Ufan (1971) and name it.");
  const meet = describeTask({ kind: "meet", here: 1, needed: 2 }, "en");
  assert.equal(meet.input, null);
  assert.equal(meet.lines[0], "Meet here together: 1 of 2 players are here now.");
  const scheduled = describeTask({ kind: "scheduled", opensAt: "2026-09-05T19:00:00+09:00",
    closesAt: "2026-09-05T19:30:00+09:00" }, "en");
  assert.equal(scheduled.input, null);
  assert.match(scheduled.lines[0], /^This checkpoint opens from .+ to .+\.$/);
  assert.equal(describeTask({ kind: "reach" }, "en").lines[0], "Being here earns the stamp.");
  assert.equal(describeTask({ kind: "dance" }, "en").lines[0], "A task this page cannot show (dance).");
  // A question stays drawn while the player types; a meeting is drawn again when its count changes.
  const q = { kind: "question", prompt: { ko: "어디?", en: "Where?" } };
  assert.equal(taskKey("acc", q), taskKey("acc", { ...q }));
  assert.notEqual(taskKey("acc", q), taskKey("chungjangro", q));
  assert.notEqual(taskKey("acc", { kind: "meet", here: 1, needed: 2 }), taskKey("acc", { kind: "meet", here: 2, needed: 2 }));
});

test("open or closed, and why, in words; refusal codes have their strings", () => {
  useStrings("en", en);
  assert.deepEqual(openState({ open: true, closed: null }), { open: true, key: "missionOpen", opensAt: null });
  assert.equal(openState({ open: false, closed: "not_yet", opensAt: "2026-09-05T00:00:00+09:00" }).key, "missionClosed_notYet");
  assert.equal(openState({ open: false, closed: "night" }).key, "missionClosed_night");
  assert.equal(openState({ open: false, closed: "something new" }).key, "missionClosed_closed");
  assert.equal(openText({ open: false, closed: "ended" }, "en"), "ended");
  assert.match(openText({ open: false, closed: "not_yet", opensAt: "2026-09-05T00:00:00+09:00" }, "en"), /^not open yet · opens .+/);
  assert.equal(refusalKey("too_fast"), "refused_tooFast");
  assert.equal(refusalKey("out_of_order"), "refused_outOfOrder");
  assert.equal(refusalKey("wrong_answer"), null);
  assert.equal(refusalKey(undefined), null);
  assert.equal(t(refusalKey("too_fast")), "Moved too fast: walk to the checkpoint.");
});

test("every key built at run time is in both locales", () => {
  const keys = [
    ...REFUSALS.map(refusalKey),
    ...["not_yet", "ended", "night", "other"].map((closed) => openState({ open: false, closed }).key), "missionOpen",
    ...DIRECTIONS.map((d) => `dir_${d}`),
    ...TASK_KINDS.map((k) => `editorTask_${k}`),
    ...REWARDS.map((r) => `acc_${r}`),
    "cameraOn", "cameraOff", "missionReward", "missionRewardEarned", "playLocationDenied", "playLocationSlow",
    "playLocationUnavailable", "editorCreated", "editorSaved",
    ...Object.values(ERROR_KEYS), "serverSaid", "taskWriteAnswer", "taskAnswerTooLong",
  ];
  for (const key of keys) {
    assert.ok(key in en, `${key} in en`);
    assert.ok(key in ko, `${key} in ko`);
  }
});

test("rewards are accessories on the wire and in the figure, numbered alike", () => {
  assert.equal(ACCESSORY.medal, 6);
  assert.equal(ACCESSORY.lanyard, 7);
  // figure.js imports three.js (an import map in the pages), so its names are read from the source.
  const source = readFileSync(join(web, "world", "figure.js"), "utf8");
  const names = JSON.parse(source.match(/ACCESSORY_NAMES = (\[[^\]]+\])/)[1]);
  for (const [name, number] of Object.entries(ACCESSORY)) assert.equal(names[number], name);
  for (const reward of REWARDS) assert.ok(reward in ACCESSORY);
});

test("mirror spaces match with or without their region", () => {
  assert.ok(sameSpace("acc-plaza", "gwangju/acc-plaza"));
  assert.ok(sameSpace("gwangju/acc-plaza", "gwangju/acc-plaza"));
  assert.ok(!sameSpace("acc-plaza", "gwangju/chungjangro"));
  assert.ok(!sameSpace("seoul/acc-plaza", "gwangju/acc-plaza"));
  assert.ok(!sameSpace("", "gwangju/acc-plaza"));
  assert.equal(enuBearing(0, 10), 0);
  assert.equal(enuBearing(10, 0), 90);
  assert.equal(enuBearing(0, -3), 180);
  assert.equal(enuBearing(-1, 0), 270);
  assert.equal(localized({ ko: "광장", en: "Square" }, "en"), "Square");
  assert.equal(localized({ ko: "광장", en: "" }, "en"), "광장");
  assert.equal(localized(undefined, "en"), "");
});

test("online, the checkpoint's side is in eighths of a turn from where the avatar faces", () => {
  assert.deepEqual(DIRECTIONS, ["behind", "behindLeft", "left", "aheadLeft", "ahead", "aheadRight", "right", "behindRight"]);
  // Facing east (heading 0, counter-clockwise from east): north is on the left.
  const east = [[1, 0, "ahead"], [1, 1, "aheadLeft"], [0, 1, "left"], [-1, 1, "behindLeft"], [-1, 0, "behind"],
    [-1, -1, "behindRight"], [0, -1, "right"], [1, -1, "aheadRight"]];
  for (const [dx, dy, want] of east) assert.equal(directionFrom(dx, dy, 0), want, `${dx},${dy}`);
  assert.equal(directionFrom(0, 10, Math.PI / 2), "ahead", "facing north");
  assert.equal(directionFrom(10, 0, Math.PI / 2), "right");
  assert.equal(directionFrom(-10, 0.1, Math.PI / 2 + 4 * Math.PI), "left", "a heading turned twice over");
  assert.equal(directionFrom(-0.1, -10, Math.PI / 2), "behind");
  const world = { regions: [{ spaces: [{ id: "gwangju/chungjangro" }, { id: "gwangju/acc-plaza" }] }] };
  assert.equal(mirrorSpaceIn("acc-plaza", world)?.id, "gwangju/acc-plaza");
  assert.equal(mirrorSpaceIn("gwangju/acc-plaza", world)?.id, "gwangju/acc-plaza");
  assert.equal(mirrorSpaceIn("seoul/acc-plaza", world), null);
  assert.equal(mirrorSpaceIn(undefined, world), null);
});

test("a refusal, an unknown refusal and a completed mission in words", () => {
  useStrings("en", en);
  assert.equal(refusalText({ checkpoint: "acc", state: "refused", reason: "too_fast", message: "moving too fast" }),
    en.refused_tooFast);
  assert.equal(refusalText({ checkpoint: "acc", state: "refused", reason: "new_code", message: "the server's words" }),
    "The server said: the server's words", "an unknown code: the server's message, in the page's frame");
  assert.equal(refusalText({ checkpoint: "acc", state: "refused", reason: "new_code" }), "The server said: new_code");
  assert.equal(completeText({ reward: null }), en.missionComplete);
  assert.equal(completeText({ reward: "medal", rewardEarned: true }),
    `${en.missionComplete} ${t("missionRewardEarned", { reward: en.acc_medal })}`);
  assert.equal(completeText({ reward: "medal", rewardEarned: false }),
    `${en.missionComplete} ${t("missionReward", { reward: en.acc_medal })}`);
});

test("a refused save names the field and the reason", () => {
  const error = Object.assign(new Error("checkpoints[2].place.radiusM: must be more than 0 and at most 500 m"),
    { status: 422, code: "invalid_field" });
  assert.deepEqual(fieldError(error), { field: "checkpoints[2].place.radiusM", reason: "must be more than 0 and at most 500 m" });
  assert.deepEqual(fieldError(Object.assign(new Error("bad"), { status: 422, code: "invalid_field" })), { field: "", reason: "bad" });
  assert.equal(fieldError(Object.assign(new Error("no"), { status: 403, code: "not_allowed" })), null);
  // Both the status and the code, as the comment says: neither alone makes a field error.
  assert.equal(fieldError(Object.assign(new Error("a: b"), { status: 422, code: "unprocessable" })), null);
  assert.equal(fieldError(Object.assign(new Error("a: b"), { status: 400, code: "invalid_field" })), null);
  assert.equal(fieldError(Object.assign(new Error("a: b"), { code: "invalid_field" })), null);
  assert.equal(fieldError(Object.assign(new Error("a: b"), { status: 422 })), null);
  assert.equal(fieldError(null), null);
  assert.equal(fieldError(undefined), null);
});

/** An error as net/api.js throws it. */
const apiError = (status, code, message) => Object.assign(new Error(message), { status, code });

test("each error code the server sends has its string in both languages; an unknown one shows the server's words, framed", () => {
  const codes = ["not_there", "too_many", "not_in_world", "not_allowed", "not_found", "invalid_field", "limit", "busy",
    "database_unavailable", "unauthorized"];
  for (const code of codes) {
    const key = errorKey({ code });
    assert.ok(key, `${code} has a key`);
    assert.ok(key in en && key in ko, `${key} in both locales`);
  }
  for (const key of Object.values(ERROR_KEYS)) assert.ok(key in en && key in ko, key);
  useStrings("en", en);
  assert.equal(errorText(apiError(409, "not_in_world", "the persona is in no space of this server")), en.missionNotInWorld);
  assert.equal(errorText(apiError(409, "not_there", "answer at the checkpoint")), en.missionNotThere);
  assert.equal(errorText(apiError(403, "not_allowed", "curators and owners of 'x' edit missions there")),
    en.serverError_notAllowed);
  assert.equal(errorText(apiError(503, "database_unavailable", "the database is not answering")),
    en.serverError_databaseUnavailable);
  assert.equal(errorText(apiError(409, "limit", "this city has 200 missions")), en.serverError_limit);
  assert.equal(errorText(apiError(401, "unauthorized", "sign in")), en.serverError_unauthorized);
  assert.equal(errorText(apiError(422, "invalid_field", "persona: the persona's id, as ?persona=")),
    "The server did not accept the value of persona.");
  assert.equal(errorText(apiError(422, "invalid_field", "no field named")), "The server said: no field named");
  // Unknown codes: the server's English only as the last resort, inside the page's frame.
  assert.equal(errorText(apiError(409, "brand_new", "something new happened")), "The server said: something new happened");
  assert.equal(errorText(apiError(502, undefined, "")), "The server said: HTTP 502");
  // Without a code, the status; without a status, the request never reached the server.
  assert.equal(errorText(apiError(429, undefined, "HTTP 429")), en.serverError_tooMany);
  assert.equal(errorText(new TypeError("Failed to fetch")), t("unreachable", { message: "Failed to fetch" }));
  // What a request makes of a code.
  assert.equal(errorKey({ code: "not_allowed" }, { not_allowed: "notCurator" }), "notCurator");
  assert.equal(errorKey({ code: "toString" }), null, "no code is looked up on the prototype");
  useStrings("ko", ko);
  assert.equal(errorText(apiError(503, "busy", "the server is busy; try again in a moment")), ko.serverError_busy);
  assert.equal(errorText(apiError(409, "brand_new", "something new")), "서버의 응답: something new");
});

test("a fix's too_many is the rate refusal, an answer's too many wrong answers", () => {
  useStrings("en", en);
  const tooMany = apiError(429, "too_many", "too many location updates; slow down");
  assert.equal(fixError(tooMany), en.refused_tooMany);
  assert.equal(answerError(apiError(429, "too_many", "too many wrong answers; wait a minute")), en.missionTooManyAnswers);
  assert.equal(answerError(apiError(409, "not_there", "answer at the checkpoint: arrive there first")), en.missionNotThere);
  assert.equal(errorText(tooMany), en.serverError_tooMany, "elsewhere: too many requests");
  assert.equal(fixError(apiError(409, "too_fast", "moved too fast")), en.refused_tooFast, "any refusal code");
  assert.equal(fixError(apiError(404, "not_found", "no such mission")), en.serverError_notFound);
});

test("the on-site status line for each verdict", () => {
  useStrings("en", en);
  assert.deepEqual(verdictStatus({ checkpoint: "acc", state: "onTheWay", distanceM: 40, bearingDeg: 45 }, "ACC"),
    { text: en.playOnTheWay, reason: "", good: false });
  assert.deepEqual(verdictStatus({ checkpoint: "acc", state: "inside", leftS: 4.2 }, "ACC"),
    { text: t("playInside", { seconds: 5 }), reason: "", good: true });
  assert.deepEqual(verdictStatus({ checkpoint: "acc", state: "arrived", reason: "wrong_answer" }, "ACC"),
    { text: en.missionWrongAnswer, reason: "wrong_answer", good: false });
  assert.deepEqual(verdictStatus({ checkpoint: "acc", state: "stamped" }, "ACC"),
    { text: t("missionStamped", { stamp: "ACC" }), reason: "", good: true });
  assert.deepEqual(verdictStatus({ checkpoint: "acc", state: "refused", reason: "too_fast" }, "ACC"),
    { text: en.refused_tooFast, reason: "too_fast", good: false });
  assert.equal(verdictStatus({ checkpoint: "acc", state: /** @type {any} */ ("dancing") }, "ACC"), null);
});

test("a stamp's life-log entry names the space as the server's mission view does, from either page", () => {
  useStrings("en", en);
  // The view the server gives (GET /api/v1/missions): mirror spaces are the world's full ids.
  const view = { id: "gwangju-culture-stamps", title: { ko: "광주 문화 스탬프 투어", en: "Gwangju culture stamp tour" },
    story: { ko: "", en: "" }, order: "ordered",
    checkpoints: [{ id: "acc", name: { ko: "ACC", en: "ACC" }, place: { latitude: 35.14743, longitude: 126.919358, radiusM: 35 },
      mirror: { space: "gwangju/acc-plaza", x: 0, y: 0, radiusM: 10 }, task: { kind: "reach" },
      stamp: { ko: "ACC 스탬프", en: "ACC stamp" } }] };
  const entry = stampEntry(view, "acc", "en");
  assert.deepEqual(entry, { kind: "mission", space: "gwangju/acc-plaza",
    title: "Gwangju culture stamp tour · ACC stamp", ids: { mission: "gwangju-culture-stamps", checkpoint: "acc" } });
  assert.equal(stampEntry(view, "nowhere", "en").space, null, "an unknown checkpoint names no space");
  // The same stamp earned again within ten minutes, from the other page and in the other language: a repeat.
  const at = 1795838400000;
  const first = { ...entry, ...entry.ids, at };
  const korean = stampEntry(view, "acc", "ko");
  assert.equal(korean.space, entry.space);
  assert.ok(isRepeat([first], { ...korean, ...korean.ids, at: at + 60000 }));
  assert.ok(!isRepeat([first], { ...korean, ...korean.ids, at: at + 600000 }), "ten minutes later it is a new entry");
  assert.ok(!isRepeat([first], { ...entry, ...entry.ids, checkpoint: "chungjangro", at: at + 1000 }), "another stamp");
  assert.ok(!isRepeat([first], { ...entry, ...entry.ids, space: "acc-plaza", at: at + 1000 }), "a space named otherwise");
  // Entries without ids repeat by their title, as before.
  const visit = { kind: "visit", at, space: "gwangju/acc-plaza", title: "ACC" };
  assert.ok(isRepeat([visit], { ...visit, at: at + 1000 }));
  assert.ok(!isRepeat([visit], { ...visit, title: "Other", at: at + 1000 }));
});

test("the editor's paths read, write and find the control a 422 names", () => {
  assert.deepEqual(parsePath("checkpoints[2].place.radiusM"), ["checkpoints", 2, "place", "radiusM"]);
  assert.deepEqual(parsePath("title.ko"), ["title", "ko"]);
  const m = missionTemplate("tour");
  assert.equal(getPath(m, "checkpoints[0].place.radiusM"), 35);
  assert.equal(getPath(m, "checkpoints[5].place.radiusM"), undefined);
  setPath(m, "checkpoints[0].mirror.x", 12.5);
  assert.equal(m.checkpoints[0].mirror.x, 12.5);
  setPath(m, "reward.accessory", "medal");
  assert.deepEqual(m.reward, { accessory: "medal" });
  setPath(m, "reward", undefined);
  assert.equal("reward" in m, false);
  setPath(m, "checkpoints[0].task.choices[1].en", "Fountain");
  assert.ok(Array.isArray(m.checkpoints[0].task.choices), "an index makes an array");
  assert.deepEqual(m.checkpoints[0].task.choices[1], { en: "Fountain" });
  const fields = ["id", "title.ko", "title.en", "checkpoints[0].id", "checkpoints[0].place.latitude",
    "checkpoints[0].place.radiusM", "checkpoints[0].task.kind", "checkpoints[0].task.answers", "checkpoints[1].id"];
  assert.equal(controlFor(fields, "checkpoints[0].place.radiusM"), "checkpoints[0].place.radiusM");
  assert.equal(controlFor(fields, "title"), "title.ko");
  assert.equal(controlFor(fields, "checkpoints[0].task.answers[3]"), "checkpoints[0].task.answers");
  assert.equal(controlFor(fields, "checkpoints[0].task"), "checkpoints[0].task.kind");
  assert.equal(controlFor(fields, "checkpoints[1].mirror.space"), "checkpoints[1].id");
  assert.equal(controlFor(fields, "format"), null);
});

test("a new mission and its tasks have the shape of the mission file", () => {
  const m = missionTemplate();
  assert.equal(m.format, 1);
  assert.match(m.id, /^[a-z0-9-]{3,40}$/);
  assert.equal(m.order, "ordered");
  assert.ok(m.title.ko && m.title.en);
  assert.equal(m.checkpoints.length, 1);
  const cp = checkpointTemplate(3);
  assert.match(cp.id, /^[a-z0-9-]{1,40}$/);
  assert.ok(cp.place.radiusM > 0 && cp.place.radiusM <= 500 && cp.mirror.radiusM > 0 && cp.mirror.radiusM <= 500);
  assert.deepEqual(taskTemplate("reach"), { kind: "reach" });
  const choice = taskTemplate("choice", { kind: "question", prompt: { ko: "질문", en: "Question" }, answers: ["a"] });
  assert.deepEqual(choice, { kind: "question", prompt: { ko: "질문", en: "Question" },
    choices: [{ ko: "", en: "" }, { ko: "", en: "" }], answer: 0 }, "the prompt is kept, the answers go");
  assert.equal(editorKind(choice), "choice");
  assert.equal(editorKind(taskTemplate("question")), "question");
  assert.deepEqual(taskTemplate("meet"), { kind: "meet", players: 2 });
  assert.deepEqual(taskTemplate("scheduled"), { kind: "scheduled", at: "19:00", minutes: 30 });
  assert.deepEqual(taskTemplate("artwork"), { kind: "artwork", artwork: "" });
  for (const kind of TASK_KINDS) assert.equal(editorKind(taskTemplate(kind)), kind);
});
