// The space page's controls around the view: the status line, the loading bar, the presence list, the personal
// boundary, the crowd-density switch, teleport (a list and a map; other cities are ui/travel.js's), the chat box and
// the data credit.
import { byId } from "./dom.js";
import { t } from "./i18n.js";
import { drawOverview } from "./map.js";
import { showPresence } from "./presence.js";

const BOUNDARY_KEY = "bitgoeul.boundary";

/** @typedef {(m: import("../net/protocol.js").ClientMessage) => void} Send */

export class Hud {
  constructor() {
    this.status = byId("status", "span");
    this.loading = byId("loading", "progress");
    this.people = byId("people", "summary");
    this.names = byId("names", "ul");
    this.boundary = byId("boundary", "select");
    this.density = byId("density", "input");
    this.teleport = byId("teleport", "select");
    this.mapbox = byId("mapbox", "details");
    this.overview = document.getElementById("overview");
    this.chat = byId("chat", "form");
    this.text = byId("text", "input");
    this.scope = byId("scope", "select");
    this.credit = byId("credit", "span");
    this.boundary.value = localStorage.getItem(BOUNDARY_KEY) || "0";
  }

  /**
   * Sends what the controls ask for: the boundary (and remembers it), chat, teleport; switches the density overlay.
   * @param {import("../app/state.js").SpaceState} state
   * @param {Send} send
   * @param {import("../world/crowd.js").CrowdOverlay} crowdOverlay
   */
  bind(state, send, crowdOverlay) {
    this.density.addEventListener("change", () => crowdOverlay.show(state.spaceId, this.density.checked));
    this.boundary.addEventListener("change", () => {
      localStorage.setItem(BOUNDARY_KEY, this.boundary.value);
      send({ type: "setBoundary", mode: this.boundaryMode() });
    });
    this.teleport.addEventListener("change", () => {
      // Another city's entry point, or the way home from a visit: ui/travel.js takes those.
      if (this.teleport.selectedOptions[0]?.dataset.travel) return;
      send({ type: "teleportSpace", space: this.teleport.value });
    });
    this.chat.addEventListener("submit", (e) => {
      e.preventDefault();
      const text = this.text.value.trim();
      if (text) send({ type: "chat", scope: Number(this.scope.value), text });
      this.text.value = "";
    });
  }

  /**
   * Lists every space of `world` to teleport to, shows `spaceId` as chosen, and draws the map to pick one on.
   * @param {{ regions: { spaces: any[] }[] }} world  the API's /api/v1/world
   * @param {string} spaceId
   * @param {Send} send
   */
  showWorld(world, spaceId, send) {
    for (const region of world.regions) {
      for (const s of region.spaces) this.teleport.append(new Option(`${s.name.ko} · ${s.name.en} (${s.occupancy})`, s.id));
    }
    this.teleport.value = spaceId;
    drawOverview(this.overview, world, document.documentElement.lang, (s) => {
      send({ type: "teleportSpace", space: s.id });
      this.mapbox.open = false;
    });
  }

  /** @param {string} text */
  say(text) { this.status.textContent = text; }

  /**
   * Shows the buildings' download: a percentage, or null when it is over.
   * @param {number | null} percent
   */
  progress(percent) {
    this.loading.hidden = percent === null;
    if (percent === null) return;
    this.loading.value = percent;
    this.say(t("loading", { percent: this.loading.value }));
  }

  /** @param {string} text */
  showCredit(text) { this.credit.textContent = text; }

  /** Shows that you are in `spaceId` (after joining or teleporting). @param {string} spaceId */
  joined(spaceId) { this.teleport.value = spaceId; }

  /** The personal boundary mode chosen (BOUNDARY in net/protocol.js). */
  boundaryMode() { return Number(this.boundary.value); }

  densityOn() { return this.density.checked; }

  /**
   * @param {import("../net/protocol.js").Presence} presence
   * @param {number | undefined} selfId
   * @param {(person: { id: number, name: string }) => void} onPerson
   * @param {(entityId: number) => string | undefined} [homeOf]  a visitor's home city, when known
   */
  showPresence(presence, selfId, onPerson, homeOf) { showPresence(this, presence, selfId, onPerson, homeOf); }
}
