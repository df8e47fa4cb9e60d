// The phone's compass for the on-site arrow (docs/missions.md, §2 "On site"): the absolute DeviceOrientation event
// where the browser has one, else iOS's webkitCompassHeading, which iOS gives only after the page asks from a click.
// The heading itself comes from ui/wayfinding.js (compassHeading); nothing here is sent anywhere.
import { compassHeading } from "./wayfinding.js";

export class Compass {
  /** @param {(heading: number) => void} onHeading  each new heading, degrees clockwise from north */
  constructor(onHeading) {
    this.onHeading = onHeading;
    /** The latest heading, or null before the first (or without a compass). @type {number | null} */
    this.heading = null;
    /** @type {((e: Event) => void) | null} */
    this.listener = null;
    this.type = "deviceorientation";
    /** Whether the compass is wanted: a permission granted after stop() starts nothing. */
    this.wanted = false;
  }

  /** Starts listening; call it from the click itself (iOS asks for the compass only then, before any await). */
  start() {
    this.wanted = true;
    const orientation = /** @type {any} */ (window.DeviceOrientationEvent);
    if (typeof orientation?.requestPermission === "function") {
      orientation.requestPermission().then((answer) => { if (answer === "granted") this.listen(); }).catch(() => {});
    } else if ("DeviceOrientationEvent" in window) {
      this.listen();
    }
  }

  /** @private */
  listen() {
    if (!this.wanted || this.listener) return;
    this.type = "ondeviceorientationabsolute" in window ? "deviceorientationabsolute" : "deviceorientation";
    this.listener = (e) => {
      const h = compassHeading(/** @type {any} */ (e), screen.orientation?.angle ?? 0);
      if (h === null) return;
      this.heading = h;
      this.onHeading(h);
    };
    addEventListener(this.type, this.listener);
  }

  /** Stops listening and forgets the heading. */
  stop() {
    this.wanted = false;
    if (this.listener) removeEventListener(this.type, this.listener);
    this.listener = null;
    this.heading = null;
  }
}
