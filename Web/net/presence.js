// Asking for the presence list. The server answers about one request a second per connection, so a request
// wanted sooner waits for its turn, and several wanted meanwhile become one.
const SPACING_MS = 1200;

export class PresenceRequests {
  /** @param {(m: import("./protocol.js").ClientMessage) => void} send */
  constructor(send) {
    this.send = send;
    this.lastMs = 0;
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.timer = null;
  }

  /** Asks now. */
  now() {
    this.lastMs = performance.now();
    this.timer = null;
    this.send({ type: "presenceRequest" });
  }

  /** Asks as soon as the server's rate allows: someone came, went, blocked or was blocked. */
  soon() {
    if (this.timer) return;
    this.timer = setTimeout(() => this.now(), Math.max(0, SPACING_MS - (performance.now() - this.lastMs)));
  }
}
