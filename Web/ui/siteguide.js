// The on-site page's way to the checkpoint (docs/missions.md, §2 "On site"): the arrow turned by the bearing the server
// gives and the compass heading (data-bearing keeps the bearing, data-rotation the turn on screen; both empty when
// there is no way to point), the distance under it (data-m in metres) or the words "at the checkpoint", and the
// note on whether the compass is used.
import { t } from "./i18n.js";
import { arrowRotation, formatDistance } from "./wayfinding.js";

export class SiteGuide {
  /**
   * @param {object} parts
   * @param {SVGSVGElement} parts.arrow
   * @param {HTMLElement} parts.distance
   * @param {HTMLElement} parts.compass  the note on the compass
   */
  constructor({ arrow, distance, compass }) {
    this.arrow = arrow;
    this.distance = distance;
    this.compass = compass;
    /** The server's latest bearing to the checkpoint, degrees from north. @type {number | null} */
    this.bearing = null;
    /** The compass heading in degrees from north, once the phone gives one. @type {number | null} */
    this.heading = null;
  }

  /** @param {number | null} bearing  the server's bearing, or null when there is no way to point */
  point(bearing) {
    this.bearing = bearing;
    this.draw();
  }

  /** @param {number | null} heading  the compass heading, or null without a compass (or once it is stopped) */
  turn(heading) {
    this.heading = heading;
    this.draw();
    if (heading !== null) this.noteCompass();
  }

  /** Turns the arrow: towards the checkpoint on the ground when there is a compass, else relative to north. */
  draw() {
    const { arrow } = this;
    if (this.bearing === null) {
      arrow.dataset.bearing = "";
      arrow.dataset.rotation = "";
      arrow.style.transform = "";
      return;
    }
    const rotation = arrowRotation(this.bearing, this.heading);
    arrow.dataset.bearing = String(Math.round(this.bearing * 10) / 10);
    arrow.dataset.rotation = String(Math.round(rotation));
    arrow.style.transform = `rotate(${rotation}deg)`;
  }

  /** Says whether the arrow follows the compass or points from north. */
  noteCompass() {
    const text = this.heading === null ? t("playNoCompass") : t("playCompass");
    if (this.compass.textContent !== text) this.compass.textContent = text;
  }

  /** @param {number | null} metres  null: no distance shown */
  showDistance(metres) {
    const { distance } = this;
    if (metres === null) {
      distance.textContent = "";
      delete distance.dataset.m;
    } else {
      distance.textContent = formatDistance(metres);
      distance.dataset.m = metres.toFixed(1);
    }
    distance.classList.remove("words");
  }

  /** At the checkpoint: no way to point, and the distance in words. */
  showInside() {
    this.point(null);
    this.showDistance(0);
    this.distance.textContent = t("missionInside");
    this.distance.classList.add("words");
  }

  /**
   * What a verdict changes of the way: on the way to the checkpoint being played (`next`; a stamp may have moved the
   * game on since the fix was sent), its bearing and distance; inside or arrived, no way to point; stamped, nothing
   * until the next fix gives the next checkpoint's.
   * @param {import("../net/missions.js").Verdict} verdict
   * @param {string | null} next
   */
  follow(verdict, next) {
    switch (verdict.state) {
      case "onTheWay":
        if (verdict.checkpoint === next || !next) {
          this.point(verdict.bearingDeg ?? null);
          this.showDistance(verdict.distanceM ?? null);
        }
        break;
      case "inside": this.showInside(); break;
      case "arrived": this.point(null); break;
      case "stamped": this.clear(); break;
      default: break;
    }
  }

  /** Nothing to point at: no arrow, no distance. */
  clear() {
    this.point(null);
    this.showDistance(null);
  }
}
