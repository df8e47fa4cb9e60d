// Tours. A guide's start offers everyone else a Join button; each stop is named in the log, its frame lit and its
// text read aloud to the group; docents start tours and announce the work they stand at with the guide buttons.
import * as lifelog from "../net/lifelog.js";
import { TOUR } from "../net/protocol.js";
import { t } from "./i18n.js";
import { onceButton } from "./log.js";

/** A stop's work is the nearest within this many metres of the guide. */
const STOP_RADIUS_M = 8;

/**
 * @typedef {object} TourContext
 * @property {import("../app/state.js").SpaceState} state
 * @property {import("../world/gallery.js").Gallery} gallery
 * @property {import("./docent.js").DocentPanel} docent
 * @property {import("./log.js").Log} log
 * @property {(m: import("../net/protocol.js").ClientMessage) => void} send
 */

export class Tours {
  /**
   * @param {{ start: HTMLButtonElement, announce: HTMLButtonElement }} buttons  the guide's buttons
   * @param {TourContext} context
   */
  constructor({ start, announce }, context) {
    this.announce = announce;
    this.context = context;
    const { state, gallery, send } = context;
    // The server refuses a tour from anyone but a docent, with a message.
    start.addEventListener("click", () => send({ type: "tour", action: TOUR.start, entityId: 0 }));
    announce.addEventListener("click", () => {
      const work = gallery.nearest(state.self.x, state.self.y, STOP_RADIUS_M);
      if (work) send({ type: "tourStop", artwork: work.artwork.id });
    });
  }

  /**
   * Shows a tour notice: its text is "started", "joined", "left", "ended" or "stop:<artwork id>".
   * @param {import("../net/protocol.js").Notice} m
   */
  notice(m) {
    const { state, gallery, docent, log, send } = this.context;
    const mine = m.entityId === state.joined?.entityId;
    if (m.text === "started" && !mine) {
      log.add(t("tourStarted"), onceButton(t("joinTour"), () => send({ type: "tour", action: TOUR.join, entityId: m.entityId })));
    } else if (m.text === "joined") {
      log.add(t("tourJoined"), onceButton(t("leaveTour"), () => send({ type: "tour", action: TOUR.leave, entityId: 0 })));
    } else if (m.text.startsWith("stop:")) {
      const id = m.text.slice(5);
      const work = gallery.works.find((w) => w.artwork.id === id);
      const title = work ? `${work.artwork.title} — ${work.artwork.artist}` : id;
      log.add(t("tourStop", { title }));
      lifelog.record("tourStop", state.spaceId, title);
      gallery.highlight(id);
      // Everyone on the tour hears the stop: the curator's narration, else what the catalogue says.
      if (work) {
        const a = work.artwork;
        const lang = document.documentElement.lang;
        docent.speak(a.narration?.[lang] || [a.title, a.artist, a.dateText, a.medium].filter(Boolean).join(", "), lang);
      }
    } else {
      if (m.text === "started" && mine) this.announce.hidden = false;
      if (m.text === "ended") this.announce.hidden = true;
      log.add(t(`tour_${m.text}`));
    }
  }
}
