// The 3D client's mission panel (docs/missions.md, §2 "Online"): the missions, open or closed and why, each with a
// way to start it for the persona you entered as or to play it on site; once one is started, the mission being played
// (ui/missionrun.js) takes the panel until it is stopped. The mission this tab was playing is resumed after a reload
// or a teleport to another server.
import { listMissions, withCheckpoints } from "../net/missions.js";
import { element } from "./dom.js";
import { errorText } from "./errors.js";
import { localized, t } from "./i18n.js";
import { playLink } from "./missionparts.js";
import { MissionRun } from "./missionrun.js";
import { openState, openText } from "./missionstatus.js";

const ACTIVE_KEY = "bitgoeul.mission";

/** @typedef {import("../net/missions.js").Mission} Mission */

/**
 * @typedef {object} PanelContext
 * @property {import("../app/state.js").SpaceState} state
 * @property {{ regions: { id?: string, spaces: { id: string, name: { ko: string, en: string } }[] }[] }} world
 * @property {string} lang
 * @property {number} personaId  the persona this page entered as; 0 for a guest or a visitor from another city
 * @property {(m: import("../net/protocol.js").ClientMessage) => void} send
 * @property {import("../world/missionmarker.js").MissionMarker} marker
 */

export class MissionPanel {
  /**
   * @param {HTMLDetailsElement} box  the panel's <details>, with a #mission-summary in its summary
   * @param {PanelContext} context
   */
  constructor(box, context) {
    this.box = box;
    this.context = context;
    this.summary = /** @type {HTMLElement} */ (box.querySelector("#mission-summary"));
    this.body = element("div", { id: "mission-panel" });
    box.append(this.body);
    /** @type {Mission[]} */
    this.missions = [];
    /** The mission being played, else null. @type {MissionRun | null} */
    this.run = null;
    /** The listing under way, shared by whoever asks meanwhile. @type {Promise<void> | null} */
    this.loading = null;
    /** The id of the mission being started (its checkpoints on the way), else "". */
    this.starting = "";
    /** Counts starts and stops: a start overtaken by another start or a stop is dropped. */
    this.generation = 0;
    document.addEventListener("visibilitychange", () => this.run?.schedule());
    box.addEventListener("toggle", () => { if (box.open && !this.busy) this.load(); });
  }

  /** The mission being played, if any. */
  get active() { return this.run?.mission ?? null; }

  /** Whether a mission is played, being started or the list is being fetched. */
  get busy() { return !!(this.run || this.starting || this.loading); }

  /** Resumes the mission this tab was playing before a reload or a teleport to another server, if any. */
  resume() {
    if (this.context.personaId && sessionStorage.getItem(ACTIVE_KEY)) this.load();
  }

  /**
   * Lists the missions, and resumes the one this tab was playing. Asked again while the list is on its way (the
   * resume and opening the panel at once), it waits for the same listing: one start, not two.
   */
  load() {
    this.loading ??= this.list().finally(() => { this.loading = null; });
    return this.loading;
  }

  /** @private */
  async list() {
    try {
      this.missions = await listMissions();
    } catch (error) {
      if (!this.run) this.body.replaceChildren(element("p", { className: "error", textContent: errorText(error) }));
      return;
    }
    const resume = this.context.personaId ? sessionStorage.getItem(ACTIVE_KEY) : null;
    const mission = resume && this.missions.find((m) => m.id === resume);
    if (this.run || this.starting) return;
    if (mission && openState(mission).open) await this.start(mission);
    else this.showList();
  }

  /** The list: each mission's title, whether it is open, and a way to start it or to play it on site. */
  showList() {
    const { personaId, lang } = this.context;
    const items = this.missions.map((m) => {
      const state = openState(m);
      const start = element("button", { type: "button", textContent: t("missionStart"), disabled: !state.open || !personaId,
        dataset: { mission: m.id } });
      start.addEventListener("click", () => this.start(m));
      return element("li", { dataset: { mission: m.id } },
        element("strong", { textContent: localized(m.title, lang) }), " ",
        element("span", { className: state.open ? "open" : "closed", textContent: openText(m, lang) }), " ",
        start, " ", playLink(m.id, personaId));
    });
    this.body.replaceChildren(
      personaId ? "" : element("p", { id: "mission-signin", className: "note" },
        element("a", { href: "persona.html", textContent: t("missionSignIn") })),
      items.length ? element("ul", { id: "mission-list" }, ...items) : element("p", { textContent: t("missionNone") }));
    this.summary.textContent = "";
  }

  /**
   * Starts (or resumes) `mission` for the persona: its checkpoints, then its progress and a check every two seconds.
   * A mission already played or being started is not started again.
   * @param {Mission} mission
   */
  async start(mission) {
    const { personaId } = this.context;
    if (!personaId || this.starting === mission.id || this.run?.mission.id === mission.id) return;
    const mine = ++this.generation;
    this.starting = mission.id;
    let full;
    try {
      full = await withCheckpoints(mission);
    } catch (error) {
      if (mine === this.generation) {
        this.starting = "";
        this.body.prepend(element("p", { className: "error", textContent: errorText(error) }));
      }
      return;
    }
    if (mine !== this.generation) return;
    this.starting = "";
    this.run?.end();
    sessionStorage.setItem(ACTIVE_KEY, full.id);
    this.run = new MissionRun(full, this.context, { body: this.body, summary: this.summary,
      onStop: () => this.stop(), onComplete: () => sessionStorage.removeItem(ACTIVE_KEY) });
    this.box.open = true;
    await this.run.begin();
  }

  /** Stops the mission: no more checks, no marker, the list again. */
  stop() {
    this.generation += 1;
    this.starting = "";
    this.run?.end();
    this.run = null;
    sessionStorage.removeItem(ACTIVE_KEY);
    this.showList();
  }

  /**
   * Every frame: the marker turns; the mission being played writes its distance.
   * @param {number} dt
   */
  frame(dt) {
    this.context.marker.update(dt);
    this.run?.frame(dt);
  }
}
