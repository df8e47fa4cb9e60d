// The on-site page's camera view: the arrow over what the phone sees. Where the browser offers WebXR AR, an
// immersive-ar session with the page's overlay (dom-overlay) on top; else, where it has getUserMedia, the rear
// camera as a video under the arrow; else nothing, and the toggle says so. A refused permission or any failure falls
// back to the arrow alone with a message; nothing is logged to the console.
import { t } from "./i18n.js";

/** @typedef {"ar" | "video" | "none"} CameraKind */

/**
 * Which camera view this browser can offer, without asking the person anything.
 * @param {Navigator} nav
 * @returns {Promise<CameraKind>}
 */
export async function cameraKind(nav = navigator) {
  try {
    if (nav.xr && await nav.xr.isSessionSupported("immersive-ar")) return "ar";
  } catch {
    // No WebXR here (or it is not allowed to this page): try the camera.
  }
  return typeof nav.mediaDevices?.getUserMedia === "function" ? "video" : "none";
}

export class CameraView {
  /**
   * @param {object} parts
   * @param {HTMLButtonElement} parts.button  the toggle
   * @param {HTMLVideoElement} parts.video  the rear camera's picture, under the overlay
   * @param {HTMLElement} parts.overlay  what is shown over the camera (the arrow and the distance)
   * @param {HTMLElement} parts.note  where the toggle explains itself
   * @param {(on: boolean) => void} [parts.onChange]
   */
  constructor({ button, video, overlay, note, onChange = () => {} }) {
    this.button = button;
    this.video = video;
    this.overlay = overlay;
    this.note = note;
    this.onChange = onChange;
    /** @type {CameraKind | null} */
    this.kind = null;
    /** @type {MediaStream | null} */
    this.stream = null;
    /** @type {XRSessionLike | null} */
    this.session = null;
    this.probing = cameraKind().then((kind) => { this.kind = kind; });
    button.addEventListener("click", () => this.toggle());
  }

  get on() { return this.stream !== null || this.session !== null; }

  async toggle() {
    if (this.on) {
      this.off();
      return;
    }
    await this.probing;
    this.note.textContent = "";
    if (this.kind === "ar") {
      if (await this.startAR()) return;
      // AR refused or failed: the plain camera where there is one.
      if (typeof navigator.mediaDevices?.getUserMedia !== "function") return;
    }
    if (this.kind === "none") {
      this.note.textContent = t("cameraUnavailable");
      return;
    }
    await this.startVideo();
  }

  /**
   * An immersive-ar session with the overlay over the camera; false when it could not start. A session that started
   * but whose layer could not be set up is ended again.
   */
  async startAR() {
    /** @type {XRSessionLike | null} */
    let session = null;
    try {
      session = await navigator.xr.requestSession("immersive-ar",
        { optionalFeatures: ["dom-overlay"], domOverlay: { root: this.overlay } });
      const canvas = document.createElement("canvas");
      const gl = /** @type {WebGLRenderingContext} */ (canvas.getContext("webgl", { xrCompatible: true, alpha: true }));
      session.updateRenderState({ baseLayer: new window.XRWebGLLayer(session, gl) });
      const started = session;
      // Nothing drawn in 3D: each frame is cleared, so the camera shows through under the overlay.
      const frame = () => {
        const layer = started.renderState.baseLayer;
        if (layer) {
          gl.bindFramebuffer(gl.FRAMEBUFFER, layer.framebuffer);
          gl.clearColor(0, 0, 0, 0);
          gl.clear(gl.COLOR_BUFFER_BIT);
        }
        started.requestAnimationFrame(frame);
      };
      started.requestAnimationFrame(frame);
      started.addEventListener("end", () => {
        if (this.session !== started) return;
        this.session = null;
        this.changed();
      });
      this.session = started;
      this.changed();
      return true;
    } catch (error) {
      // Started, but no layer to show it through: not left running behind the page.
      if (session) session.end().catch(() => {});
      this.note.textContent = error?.name === "NotAllowedError" || error?.name === "SecurityError"
        ? t("cameraDenied") : t("cameraFailed");
      return false;
    }
  }

  async startVideo() {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false });
      this.stream = stream;
      this.video.srcObject = stream;
      this.video.hidden = false;
      await this.video.play().catch(() => {});
      // The plain camera works: a note that AR failed no longer applies.
      this.note.textContent = "";
      this.changed();
    } catch (error) {
      this.off();
      this.note.textContent = error?.name === "NotAllowedError" || error?.name === "SecurityError"
        ? t("cameraDenied") : t("cameraFailed");
    }
  }

  /** Back to the arrow alone. */
  off() {
    if (this.session) this.session.end().catch(() => {});
    this.session = null;
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    this.video.srcObject = null;
    this.video.hidden = true;
    this.changed();
  }

  /** @private */
  changed() {
    this.button.textContent = t(this.on ? "cameraOff" : "cameraOn");
    this.button.setAttribute("aria-pressed", String(this.on));
    this.onChange(this.on);
  }
}
