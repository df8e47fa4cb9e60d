// A mission on site (docs/missions.md, §2 "On site"): pick a persona and a mission (or come with ?mission=), press
// Start, and walk. Each fix of the phone's Geolocation API goes to the server (one request at a time, at most two a
// second), which judges it and answers with the distance and the bearing to the next checkpoint, the dwell still
// needed, a stamp, or why the fix was refused. The arrow is turned by the compass where the phone has one, and can
// be shown over the camera (the arrow and the distance: ui/siteguide.js; the compass: ui/compass.js). The page shows
// nobody else's position: it shows no position at all.
import { api, token } from "../net/api.js";
import { FixWatch } from "../net/fixes.js";
import { answer, answerBody, listMissions, progress, sendFix, withCheckpoints } from "../net/missions.js";
import { CameraView } from "../ui/camera.js";
import { Compass } from "../ui/compass.js";
import { byId, element } from "../ui/dom.js";
import { errorText } from "../ui/errors.js";
import { languageSwitch, loadLocale, localized, t } from "../ui/i18n.js";
import { keepDate, setKeepDate } from "../ui/keepdate.js";
import { answerError, completeText, fixError, openState, openText, verdictStatus } from "../ui/missionstatus.js";
import { fillChoices, stampFor, stampItems } from "../ui/missionparts.js";
import { answerProblemText, renderTask, taskKey } from "../ui/missiontask.js";
import { SiteGuide } from "../ui/siteguide.js";
import { recordStamp } from "../ui/stamplog.js";

const lang = await loadLocale();
languageSwitch(byId("lang", "select"), lang);
const params = new URLSearchParams(location.search);
const ui = {
  signin: byId("play-signin", "p"), error: byId("play-error", "p"), choices: byId("play-choices", "div"),
  persona: byId("play-persona", "select"), mission: byId("play-mission", "select"),
  open: byId("play-open", "p"), story: byId("play-story", "p"),
  chooseLabel: byId("play-choose-label", "label"), choose: byId("play-choose", "select"),
  keepDate: byId("play-keepdate", "input"), start: byId("play-start", "button"),
  view: byId("play-view", "div"), target: byId("play-target", "p"),
  arrow: /** @type {SVGSVGElement} */ (/** @type {unknown} */ (document.getElementById("play-arrow"))),
  distance: byId("play-distance", "p"), compass: byId("play-compass", "p"), status: byId("play-status", "p"),
  task: byId("play-task", "div"), stamps: byId("play-stamps", "ul"),
};

/** @type {import("../net/missions.js").Mission[]} */
let missions = [];
/** @type {import("../net/missions.js").Progress | null} */
let current = null;
let shownTask = "";
/** Counts the progress requests: only the answer to the latest (this persona, this mission) is shown. */
let progressRequest = 0;
const guide = new SiteGuide({ arrow: ui.arrow, distance: ui.distance, compass: ui.compass });
const compass = new Compass((heading) => guide.turn(heading));
const watch = new FixWatch(send, locationFailed);

const mission = () => missions.find((m) => m.id === ui.mission.value) ?? null;
const personaId = () => Number(ui.persona.value) || 0;
const checkpoint = (id) => mission()?.checkpoints.find((c) => c.id === id) ?? null;
/** Whether mission `id` and `persona` are still the ones chosen (an answer for others is not shown). */
const chosen = (id, persona) => mission()?.id === id && personaId() === persona;

/**
 * Shows `text` in the status line; `reason` is a refusal's code (or another reason), kept in data-reason.
 * @param {string} text
 * @param {{ reason?: string, good?: boolean }} [how]
 */
function status(text, how = {}) {
  const { reason = "", good = false } = how;
  ui.status.textContent = text;
  ui.status.dataset.reason = reason;
  ui.status.classList.toggle("good", good);
  ui.status.hidden = !text;
}

/** @param {string} text */
function fail(text) {
  ui.error.textContent = text;
  ui.error.hidden = !text;
}

function hideTask() {
  shownTask = "";
  ui.task.hidden = true;
  ui.task.replaceChildren();
}

/** The mission's story, whether it is open, and the checkpoint to choose in a free one. */
function showMission() {
  const m = mission();
  ui.open.textContent = m ? openText(m, lang) : t("missionNone");
  ui.story.textContent = m ? localized(m.story, lang) : "";
  ui.chooseLabel.hidden = m?.order !== "free";
  canStart();
}

function canStart() {
  const m = mission();
  ui.start.disabled = !watch.on && (!m || !personaId() || !openState(m).open || !!current?.complete);
}

/** The persona's progress on the chosen mission, without a verdict; an answer for an earlier choice is ignored. */
async function loadProgress() {
  const mine = ++progressRequest;
  current = null;
  guide.clear();
  hideTask();
  status("");
  fail("");
  ui.stamps.replaceChildren();
  ui.target.textContent = "";
  const m = mission();
  const persona = personaId();
  if (m && persona) {
    try {
      const full = await withCheckpoints(m);
      missions = missions.map((x) => (x.id === full.id ? full : x));
      const p = await progress(m.id, persona);
      if (mine !== progressRequest || !chosen(m.id, persona)) return;
      apply(p);
    } catch (error) {
      if (mine !== progressRequest) return;
      fail(errorText(error));
    }
  }
  canStart();
}

/**
 * What the server answered: the stamps, the next checkpoint, and the verdict on the last fix or answer.
 * @param {import("../net/missions.js").Progress} p
 */
function apply(p) {
  const m = mission();
  if (!m || (p.mission && p.mission !== m.id)) return;
  current = p;
  ui.stamps.replaceChildren(...stampItems(m, p.stamps, lang));
  const next = p.next ? checkpoint(p.next) : null;
  ui.target.replaceChildren(...(next ? [localized(next.name, lang), element("small", { textContent: stampFor(next, lang) })]
    : []));
  ui.target.dataset.checkpoint = next?.id ?? "";
  if (m.order === "free") fillChoices(ui.choose, m, p.stamps, lang);
  verdict(p, m);
  if (p.complete) {
    status(completeText(p), { good: true });
    stop();
  } else if (!p.open) {
    status(openText(p, lang), { reason: p.closed ?? "closed" });
    stop();
  }
  canStart();
}

/**
 * @param {import("../net/missions.js").Progress} p
 * @param {import("../net/missions.js").Mission} m
 */
function verdict(p, m) {
  const v = p.verdict;
  if (!v) return;
  if (v.state !== "arrived") hideTask();
  guide.follow(v, p.next);
  const said = verdictStatus(v, localized(checkpoint(v.checkpoint)?.stamp, lang) || v.checkpoint);
  if (said) status(said.text, said);
  if (v.state === "stamped") recordStamp(m, v.checkpoint, lang);
  if (v.state === "arrived" && v.task) {
    const key = taskKey(v.checkpoint, v.task);
    if (key !== shownTask) {
      shownTask = key;
      renderTask(ui.task, v.task, lang, (input) => sendAnswer(v.checkpoint, input), "play");
      ui.task.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  }
}

/**
 * @param {string} cp
 * @param {{ text?: string, choice?: number }} input
 */
async function sendAnswer(cp, input) {
  const m = mission();
  const persona = personaId();
  const body = answerBody({ persona, checkpoint: cp, keepDate: ui.keepDate.checked }, input);
  if (!m) return;
  if (!body) {
    status(answerProblemText(input.text ?? "") ?? t("taskWriteAnswer"), { reason: "no_answer" });
    return;
  }
  try {
    const p = await answer(m.id, body);
    if (chosen(m.id, persona)) apply(p);
  } catch (error) {
    if (chosen(m.id, persona)) status(answerError(error), { reason: error.code || "error" });
  }
}

/**
 * One fix to the server; a 429 is the rate refusal (the server's answer is then no progress).
 * @param {import("../net/missions.js").Fix} fix
 */
async function send(fix) {
  const m = mission();
  if (!m) return;
  try {
    const p = await sendFix(m.id, fix);
    if (chosen(m.id, fix.persona)) apply(p);
  } catch (error) {
    if (chosen(m.id, fix.persona)) status(fixError(error), { reason: error.code || "error" });
  }
}

/** @param {GeolocationPositionError} error */
function locationFailed(error) {
  const key = error.code === 1 ? "playLocationDenied" : error.code === 3 ? "playLocationSlow" : "playLocationUnavailable";
  status(t(key), { reason: `location_${error.code}` });
  if (error.code === 1) stop();
}

function start() {
  const m = mission();
  if (!m || !personaId() || watch.on) return;
  if (!("geolocation" in navigator)) {
    status(t("playLocationUnavailable"), { reason: "location_2" });
    return;
  }
  // iOS asks for the compass only from a click: ask first, before anything is awaited.
  compass.start();
  fail("");
  guide.noteCompass();
  watch.start(personaId(), ui.keepDate.checked, () => ui.choose.value || undefined);
  status(t("playWaiting"));
  ui.start.textContent = t("playStop");
  ui.start.classList.add("stop");
  // While playing the page is the arrow: the choices fold away until Stop.
  ui.choices.hidden = true;
  canStart();
}

/** Stops watching the location and the compass; nothing more is sent. */
function stop() {
  watch.stop();
  compass.stop();
  guide.turn(null);
  ui.start.textContent = t("playStart");
  ui.start.classList.remove("stop");
  ui.choices.hidden = false;
  canStart();
}

ui.start.addEventListener("click", () => (watch.on ? stop() : start()));
ui.keepDate.checked = keepDate();
ui.keepDate.addEventListener("change", () => setKeepDate(ui.keepDate.checked));
ui.mission.addEventListener("change", () => {
  const url = new URL(location.href);
  url.searchParams.set("mission", ui.mission.value);
  history.replaceState(history.state, "", url);
  showMission();
  loadProgress();
});
ui.persona.addEventListener("change", () => loadProgress());
ui.choose.addEventListener("change", () => guide.clear());
new CameraView({ button: byId("play-camera", "button"), video: byId("play-video", "video"),
  overlay: byId("play-overlay", "div"), note: byId("play-camera-note", "p"),
  onChange: (on) => ui.view.classList.toggle("camera", on) });
addEventListener("pagehide", () => stop());

/** The account's personas; none without a session (then the way to sign in). */
async function loadPersonas() {
  if (!token()) return [];
  try {
    return (await api("GET", "/api/v1/personas")).personas;
  } catch (error) {
    if (error.status === 401) return [];
    throw error;
  }
}

try {
  const [personas, list] = await Promise.all([loadPersonas(), listMissions()]);
  missions = list;
  ui.signin.hidden = personas.length > 0;
  if (!token()) ui.signin.firstElementChild.textContent = t("playSignIn");
  else if (!personas.length) ui.signin.firstElementChild.textContent = t("playMakePersona");
  ui.persona.replaceChildren(...personas.map((p) => element("option", { value: String(p.id), textContent: p.name })));
  const wantedPersona = params.get("persona");
  if (wantedPersona && personas.some((p) => String(p.id) === wantedPersona)) ui.persona.value = wantedPersona;
  ui.mission.replaceChildren(...missions.map((m) => element("option", { value: m.id, textContent: localized(m.title, lang) })));
  const wanted = params.get("mission");
  if (wanted && missions.some((m) => m.id === wanted)) ui.mission.value = wanted;
  showMission();
  await loadProgress();
} catch (error) {
  fail(errorText(error));
}

// For the browser tests.
window.bitgoeul = { get progress() { return current; }, get playing() { return watch.on; },
  get heading() { return compass.heading; } };
