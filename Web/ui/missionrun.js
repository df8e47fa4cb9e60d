// The mission being played in the 3D client's mission panel (docs/missions.md, §2 "Online"): the current checkpoint
// with its name and stamp, its marker in the space (or which space to go to), the distance to it and which way it is,
// the task waiting there, and the stamps earned. Every two seconds it asks the server to check: the server reads where
// it moved your avatar, and this page sends no position. Polling stops when the mission ends or the page is hidden.
// The panel around it, with the list of missions, is ui/missions.js.
import { CHECK_INTERVAL_MS, answer, answerBody, check, progress } from "../net/missions.js";
import { element } from "./dom.js";
import { errorText } from "./errors.js";
import { localized, t } from "./i18n.js";
import { keepDate, setKeepDate } from "./keepdate.js";
import { fillChoices, playLink, stampFor, stampItems } from "./missionparts.js";
import { answerError, completeText, openText, refusalText } from "./missionstatus.js";
import { answerProblemText, renderTask, taskKey } from "./missiontask.js";
import { recordStamp } from "./stamplog.js";
import { directionFrom, formatDistance, mirrorSpaceIn, sameSpace } from "./wayfinding.js";

/** How often the distance line is written (the marker itself moves with every frame). */
const DISTANCE_EVERY_S = 0.25;

/** @typedef {import("../net/missions.js").Mission} Mission */
/** @typedef {import("../net/missions.js").Progress} Progress */
/** @typedef {import("../net/missions.js").Checkpoint} Checkpoint */
/** @typedef {import("./missions.js").PanelContext} PanelContext */

export class MissionRun {
  /**
   * Draws `mission` (a view with its checkpoints) into `body`; begin() then loads its progress and starts the checks.
   * @param {Mission} mission
   * @param {PanelContext} context
   * @param {object} host
   * @param {HTMLElement} host.body  the panel's body, given over to the mission
   * @param {HTMLElement} host.summary  the panel's one-line summary
   * @param {() => void} host.onStop  the Stop button
   * @param {() => void} host.onComplete  the mission is complete: nothing to resume
   */
  constructor(mission, context, { body, summary, onStop, onComplete }) {
    this.mission = mission;
    this.context = context;
    this.summary = summary;
    this.onComplete = onComplete;
    /** @type {Progress | null} */
    this.progress = null;
    /** A free mission's chosen checkpoint ("" for the nearest). */
    this.chosen = "";
    this.timer = null;
    this.busy = false;
    this.ended = false;
    this.shownSpace = "";
    this.shownTask = "";
    this.sinceDistanceS = 0;
    const { lang, personaId } = context;
    const keep = element("input", { type: "checkbox", id: "mission-keepdate", checked: keepDate() });
    keep.addEventListener("change", () => setKeepDate(keep.checked));
    const stop = element("button", { type: "button", id: "mission-stop", textContent: t("missionStop") });
    stop.addEventListener("click", onStop);
    const choose = element("select", { id: "mission-choose", hidden: mission.order !== "free" });
    choose.addEventListener("change", () => { this.chosen = choose.value; this.poll(); });
    this.parts = {
      target: element("p", { id: "mission-target" }),
      where: element("p", { id: "mission-where" }),
      distance: element("p", { id: "mission-distance", ariaLive: "polite" }),
      task: element("div", { id: "mission-task", hidden: true }),
      message: element("p", { id: "mission-message", role: "status" }),
      stamps: element("ul", { id: "mission-stamps" }),
      choose,
    };
    const p = this.parts;
    body.replaceChildren(
      element("h3", { textContent: localized(mission.title, lang) }),
      element("p", { className: "note", textContent: localized(mission.story, lang) }),
      choose, p.target, p.where, p.distance, p.task, p.message,
      element("h4", { textContent: t("missionStamps") }), p.stamps,
      element("label", {}, keep, ` ${t("keepDate")}`),
      element("div", { className: "menu-actions" }, stop, playLink(mission.id, personaId)));
  }

  /** The persona's progress first, then a check every two seconds. */
  async begin() {
    try {
      const p = await progress(this.mission.id, this.context.personaId);
      if (!this.ended) this.apply(p);
    } catch (error) {
      if (!this.ended) this.say(errorText(error));
    }
    this.schedule();
  }

  /** No more checks, no marker. */
  end() {
    this.ended = true;
    this.schedule();
    this.context.marker.hide();
    this.summary.textContent = "";
  }

  /** Checks every two seconds while the mission is played and the page is seen; otherwise not at all. */
  schedule() {
    const wanted = !this.ended && this.progress?.open !== false && !this.progress?.complete &&
      document.visibilityState === "visible";
    if (wanted && this.timer === null) this.timer = setInterval(() => this.poll(), CHECK_INTERVAL_MS);
    if (!wanted && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /** One check, when none is under way and the avatar is in a space (the server answers 409 otherwise). */
  async poll() {
    const { state, personaId } = this.context;
    if (this.ended || this.busy || !state.self.joined || document.visibilityState !== "visible") return;
    this.busy = true;
    try {
      const p = await check(this.mission.id, { persona: personaId, keepDate: keepDate(),
        ...(this.chosen ? { checkpoint: this.chosen } : {}) });
      if (!this.ended) this.apply(p);
    } catch (error) {
      if (!this.ended) this.say(errorText(error));
    } finally {
      this.busy = false;
    }
  }

  /**
   * Shows the server's answer: the stamps, the next checkpoint and its marker, and the verdict.
   * @param {Progress} p
   */
  apply(p) {
    const { mission, parts } = this;
    const { lang } = this.context;
    if (this.ended || (p.mission && p.mission !== mission.id)) return;
    this.progress = p;
    parts.stamps.replaceChildren(...stampItems(mission, p.stamps, lang));
    if (mission.order === "free") this.chosen = fillChoices(parts.choose, mission, p.stamps, lang, this.chosen);
    const v = p.verdict;
    if (v?.state === "stamped") {
      const stamp = localized(mission.checkpoints.find((c) => c.id === v.checkpoint)?.stamp, lang) || v.checkpoint;
      this.say(t("missionStamped", { stamp }));
      recordStamp(mission, v.checkpoint, lang);
    } else if (v?.state === "refused") {
      this.say(refusalText(v));
    } else if (v?.reason === "wrong_answer") {
      this.say(t("missionWrongAnswer"));
    } else if (v?.state === "arrived") {
      this.say(t("missionArrived"));
    } else if (v) {
      this.say("");
    }
    if (v?.state === "arrived" && v.task) {
      const key = taskKey(v.checkpoint, v.task);
      if (key !== this.shownTask) {
        this.shownTask = key;
        renderTask(parts.task, v.task, lang, (input) => this.answer(v.checkpoint, input), "mission");
      }
    } else if (v || !p.next) {
      this.shownTask = "";
      parts.task.hidden = true;
      parts.task.replaceChildren();
    }
    if (!p.open) this.say(openText(p, lang));
    if (p.complete) {
      parts.target.textContent = completeText(p);
      parts.where.replaceChildren();
      parts.distance.textContent = "";
      this.onComplete();
    }
    this.placeMarker();
    this.schedule();
  }

  /**
   * @param {string} checkpoint
   * @param {{ text?: string, choice?: number }} input
   */
  async answer(checkpoint, input) {
    const body = answerBody({ persona: this.context.personaId, checkpoint, keepDate: keepDate() }, input);
    if (this.ended) return;
    if (!body) {
      this.say(answerProblemText(input.text ?? "") ?? t("taskWriteAnswer"));
      return;
    }
    try {
      const p = await answer(this.mission.id, body);
      if (!this.ended) this.apply(p);
    } catch (error) {
      if (!this.ended) this.say(answerError(error));
    }
  }

  /** The checkpoint being played, if any. @returns {Checkpoint | null} */
  current() {
    const id = this.progress?.next;
    return (id && this.mission.checkpoints.find((c) => c.id === id)) || null;
  }

  /**
   * The marker where the checkpoint is, in this space; elsewhere a hint naming the space to go to. The target line
   * keeps the checkpoint's id (data-checkpoint) and whether its marker was placed here (data-marker: placed or
   * elsewhere); the distance line keeps its metres (data-m, see frame).
   */
  placeMarker() {
    const { state, marker, lang, send, world } = this.context;
    this.shownSpace = state.spaceId;
    const cp = this.ended || this.progress?.complete ? null : this.current();
    const { target, where, distance } = this.parts;
    if (!cp) {
      marker.hide();
      delete target.dataset.marker;
      this.summary.textContent = "";
      return;
    }
    target.replaceChildren(element("strong", { textContent: localized(cp.name, lang) }),
      `${t("listSeparator")}${stampFor(cp, lang)}`);
    target.dataset.checkpoint = cp.id;
    if (sameSpace(cp.mirror.space, state.spaceId)) {
      marker.show(cp.mirror.x, cp.mirror.y, cp.mirror.radiusM);
      target.dataset.marker = "placed";
      where.replaceChildren();
    } else {
      marker.hide();
      target.dataset.marker = "elsewhere";
      distance.textContent = "";
      const space = mirrorSpaceIn(cp.mirror.space, world);
      const id = space?.id ?? null;
      const go = element("button", { type: "button", textContent: t("missionGoThere") });
      go.addEventListener("click", () => send({ type: "teleportSpace", space: id }));
      where.replaceChildren(t("missionGoTo", { space: space ? localized(space.name, lang) : cp.mirror.space }),
        ...(id ? [" ", go] : []));
    }
    this.showSummary(cp);
    this.sinceDistanceS = DISTANCE_EVERY_S;
  }

  /**
   * The panel's one line: the stamp to earn, and the distance to it while on the way.
   * @param {Checkpoint} cp
   * @param {number | null} [metres]
   */
  showSummary(cp, metres = null) {
    const stamp = localized(cp.stamp, this.context.lang);
    this.summary.textContent = metres === null ? t("missionSummary", { stamp })
      : t("missionSummaryDistance", { stamp, distance: formatDistance(metres) });
  }

  /**
   * Every frame; four times a second the distance from your avatar to the marker, and which way it is from where you
   * face. Inside the checkpoint, the words for it, and the summary without a distance.
   * @param {number} dt
   */
  frame(dt) {
    const { state, marker } = this.context;
    if (this.ended) return;
    if (state.spaceId !== this.shownSpace) this.placeMarker();
    this.sinceDistanceS += dt;
    if (this.sinceDistanceS < DISTANCE_EVERY_S || !marker.shown) return;
    this.sinceDistanceS = 0;
    const cp = this.current();
    if (!cp) return;
    const dx = cp.mirror.x - state.self.x;
    const dy = cp.mirror.y - state.self.y;
    const metres = Math.hypot(dx, dy);
    const { distance } = this.parts;
    distance.dataset.m = metres.toFixed(1);
    if (metres <= cp.mirror.radiusM) {
      distance.textContent = t("missionInside");
      this.showSummary(cp);
      return;
    }
    distance.textContent = t("missionDistance",
      { distance: formatDistance(metres), direction: t(`dir_${directionFrom(dx, dy, state.self.heading)}`) });
    this.showSummary(cp, metres);
  }

  /** @param {string} text */
  say(text) {
    this.parts.message.textContent = text;
  }
}
