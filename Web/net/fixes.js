// An on-site fix on its way to the server (docs/missions.md, §2 "On site"): its body from a Geolocation position, its
// pacing, one request in flight and at most two a second (the server allows 2/s with a burst of 5, and refuses an
// older fix as out of order), and the watch of the phone's location that makes them. The endpoint itself is sendFix
// in missions.js.

/** @typedef {import("./missions.js").Fix} Fix */

/** The most a fix request may be repeated: two a second. */
export const FIX_INTERVAL_MS = 500;

/**
 * The body of a fix from a Geolocation position.
 * @param {{ coords: { latitude: number, longitude: number, accuracy: number }, timestamp: number }} position
 * @param {number} persona
 * @param {boolean} keepDate
 * @param {string} [checkpoint]  a free mission's chosen checkpoint
 * @returns {Fix}
 */
export function fixBody(position, persona, keepDate, checkpoint) {
  const { latitude, longitude, accuracy } = position.coords;
  return {
    persona, latitude, longitude, accuracyM: accuracy, timeS: position.timestamp / 1000, keepDate: !!keepDate,
    ...(checkpoint ? { checkpoint } : {}),
  };
}

/**
 * Sends fixes with at most one request in flight and at least `intervalMs` between two: a fix that comes meanwhile
 * waits, replaced by any newer one, and a fix not newer than the last sent is dropped (the server would refuse it
 * as out of order). The clock and the timer are injectable for tests.
 */
export class FixPacer {
  /**
   * @param {(fix: Fix) => Promise<unknown>} send
   * @param {{ intervalMs?: number, now?: () => number,
   *   later?: (fn: () => void, ms: number) => unknown, cancel?: (timer: any) => void }} options
   */
  constructor(send, { intervalMs = FIX_INTERVAL_MS, now = () => Date.now(), later = (fn, ms) => setTimeout(fn, ms),
    cancel = (timer) => clearTimeout(timer) } = {}) {
    this.send = send;
    this.intervalMs = intervalMs;
    this.now = now;
    this.later = later;
    this.cancel = cancel;
    /** @type {Fix | null} */
    this.pending = null;
    this.busy = false;
    this.timer = null;
    this.lastSentAt = -Infinity;
    this.lastTimeS = -Infinity;
    this.stopped = false;
    this.sent = 0;
  }

  /** @param {Fix} fix */
  offer(fix) {
    if (this.stopped || !(fix.timeS > this.lastTimeS)) return;
    this.pending = fix;
    this.pump();
  }

  /** @private */
  pump() {
    if (this.stopped || this.busy || this.timer !== null || !this.pending) return;
    const wait = this.lastSentAt + this.intervalMs - this.now();
    if (wait > 0) {
      this.timer = this.later(() => { this.timer = null; this.pump(); }, wait);
      return;
    }
    const fix = this.pending;
    this.pending = null;
    if (!(fix.timeS > this.lastTimeS)) return;
    this.busy = true;
    this.lastSentAt = this.now();
    this.lastTimeS = fix.timeS;
    this.sent += 1;
    /** @type {Promise<unknown>} */
    let sending;
    try {
      sending = Promise.resolve(this.send(fix));
    } catch (error) {
      sending = Promise.reject(error);
    }
    sending.catch(() => {}).finally(() => {
      this.busy = false;
      this.pump();
    });
  }

  /** Sends nothing more. */
  stop() {
    this.stopped = true;
    this.pending = null;
    if (this.timer !== null) this.cancel(this.timer);
    this.timer = null;
  }
}

/** The Geolocation API's watch while playing: each position becomes a fix, sent through a FixPacer. */
export class FixWatch {
  /**
   * @param {(fix: Fix) => Promise<unknown>} send
   * @param {(error: GeolocationPositionError) => void} onError
   */
  constructor(send, onError) {
    this.send = send;
    this.onError = onError;
    /** @type {number | null} */
    this.watch = null;
    /** @type {FixPacer | null} */
    this.pacer = null;
  }

  get on() { return this.watch !== null; }

  /**
   * @param {number} persona
   * @param {boolean} keepDate
   * @param {() => string | undefined} checkpoint  a free mission's chosen checkpoint, read at each fix
   */
  start(persona, keepDate, checkpoint) {
    if (this.on) return;
    const pacer = new FixPacer(this.send);
    this.pacer = pacer;
    this.watch = navigator.geolocation.watchPosition((position) => {
      pacer.offer(fixBody(position, persona, keepDate, checkpoint()));
    }, (error) => this.onError(error), { enableHighAccuracy: true, maximumAge: 0, timeout: 30000 });
  }

  /** Stops watching; nothing more is sent. */
  stop() {
    if (this.watch !== null) navigator.geolocation.clearWatch(this.watch);
    this.watch = null;
    this.pacer?.stop();
    this.pacer = null;
  }
}
