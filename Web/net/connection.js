// One WebSocket to the server: says hello, (re)joins the space, and hands decoded messages on.
// A dropped connection is retried with backoff, with the same persona. In a cluster it also follows the person's
// space from server to server (docs/protocol.md, "Clusters: redirects and handoffs"): a `redirect` opens a socket
// to the named server and hands its ticket over instead of saying hello; `left` because the space moved, and
// `space_moving`, ask for the space again after a pause. A visitor from another city begins with `visit` and the
// travel ticket instead of hello (docs/federation.md); a ticket is spent once, so a visit is never retried.
import { CLOSE, CLOSE_FINAL, ERROR, LEFT, VERSION, encodeClient, decodeServerFrame } from "./protocol.js";

/** The first pause before reconnecting, and the longest. */
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 10_000;
/** While a space passes between servers (error 21): the first pause before asking again, the longest, and how
 * long to keep asking in all. */
const MOVING_FIRST_MS = 500;
const MOVING_MAX_MS = 4_000;
const MOVING_GIVE_UP_MS = 30_000;

/** The real-time endpoint of the page's own server. */
export function originUrl() {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/v1/connect`;
}

/**
 * What the page hears besides messages: `closed` (reason, possibly empty, and code) when the connection dropped and
 * is being retried or has ended; `error` (text) for a bad frame; `moving` (the space) while the person is carried to
 * another server or waits for a space passing between servers; `unavailable` (the server's text) when a space kept
 * moving for longer than the retries last. A visit ends with `ended` (reason and code) once its socket closes, or
 * `unreachable` when the socket never opened.
 * @typedef {(kind: "closed" | "error" | "moving" | "unavailable" | "ended" | "unreachable", reason: string,
 *   code?: number) => void} StatusHandler
 */

export class Connection {
  /**
   * @param {{ onMessage: (m: import("./protocol.js").ServerMessage) => void, onStatus: StatusHandler }} handlers
   */
  constructor({ onMessage, onStatus }) {
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.retryMs = RETRY_FIRST_MS;
    /** @type {import("./protocol.js").ClientMessage | null} */
    this.join = null;
    this.token = "";
    /** @type {WebSocket | null} */
    this.socket = null;
    /** The server the last `redirect` named: a reconnect tries it first, then the page's own server. */
    /** @type {string | null} */
    this.redirected = null;
    /** Between `joined` and `left` on the current socket. */
    this.inSpace = false;
    /** The last teleport asked for, to ask again while its space passes between servers. */
    /** @type {import("./protocol.js").ClientMessage | null} */
    this.teleport = null;
    /** Asking again after `space_moving`: the next pause and the time waited so far. */
    this.movingMs = MOVING_FIRST_MS;
    this.movingWaitedMs = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    /** A visitor from another city: the travel ticket until it is sent, and whether this is a visit. */
    /** @type {string | null} */
    this.travelTicket = null;
    this.visiting = false;
  }

  /**
   * Connects to the page's own server. `join` is a client message (joinGuest or join) sent after every hello.
   * @param {import("./protocol.js").ClientMessage} join
   */
  open(join, token = "") {
    this.join = join;
    this.token = token;
    this.redirected = null;
    this.connect(originUrl(), null);
  }

  /**
   * Connects to the page's own server as a visitor from another city, with the travel ticket the home server gave:
   * `visit` instead of hello, and no join (the server puts the visitor into the ticket's space).
   * @param {string} ticket
   */
  visit(ticket) {
    this.join = null;
    this.token = "";
    this.travelTicket = ticket;
    this.visiting = true;
    this.redirected = null;
    this.connect(originUrl(), null);
  }

  /**
   * Opens a socket to `url` and begins with `handoff` when there is a ticket, `visit` with a travel ticket not yet
   * sent, else with hello and the join.
   * @param {string} url
   * @param {string | null} ticket
   */
  connect(url, ticket) {
    clearTimeout(this.timer);
    this.inSpace = false;
    this.movingMs = MOVING_FIRST_MS;
    this.movingWaitedMs = 0;
    /** @type {WebSocket} */
    let socket;
    try {
      socket = new WebSocket(url);
    } catch {
      // A URL the browser refuses (ws: from an https page, say): back to the page's server, or for a visit home.
      this.socket = null;
      if (this.visiting) this.onStatus("unreachable", "");
      else this.retry(originUrl());
      return;
    }
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    let welcomed = false;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      // After a handoff or a visit the server puts the person into the ticket's space by itself: no join.
      if (ticket) {
        this.send({ type: "handoff", version: VERSION, ticket });
      } else if (this.travelTicket) {
        this.send({ type: "visit", version: VERSION, ticket: this.travelTicket });
        this.travelTicket = null;
      } else {
        this.send({ type: "hello", version: VERSION, token: this.token }, this.join);
      }
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      try {
        for (const m of decodeServerFrame(new Uint8Array(event.data))) {
          if (m.type === "welcome") welcomed = true;
          this.observe(m, socket);
          this.onMessage(m);
        }
      } catch (error) {
        this.onStatus("error", String(error));
      }
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.inSpace = false;
      // A visit cannot start again without a new ticket from home: the page shows the way home.
      if (this.visiting) {
        this.socket = null;
        this.onStatus(opened ? "ended" : "unreachable", event.reason, event.code);
        return;
      }
      if (event.code === CLOSE.ticketRefused) {
        // Forged, expired, used before or meant for another server: start afresh at the page's own server.
        this.redirected = null;
        this.onStatus("moving", this.join?.space ?? "");
        this.retry(originUrl());
        return;
      }
      this.onStatus("closed", event.reason, event.code);
      // Refusals that a retry cannot fix end here: version, session, and an account erased or barred.
      if (CLOSE_FINAL.includes(event.code)) return;
      // The server last redirected to is tried first; once it cannot be reached, the page's own.
      if (url === this.redirected && !welcomed) this.redirected = null;
      this.retry(this.redirected ?? originUrl());
    };
  }

  /**
   * Connects to `url` with hello and the join after the backoff's pause.
   * @param {string} url
   */
  retry(url) {
    this.timer = setTimeout(() => this.connect(url, null), this.retryMs);
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
  }

  /**
   * What the connection itself does about a message, before the page sees it.
   * @param {import("./protocol.js").ServerMessage} m
   * @param {WebSocket} socket  the socket it came on
   */
  observe(m, socket) {
    // The rest of a frame from a server just left behind (a redirect's `left`) is only for the page.
    if (this.socket !== socket) return;
    switch (m.type) {
      case "joined":
        this.inSpace = true;
        this.teleport = null;
        this.retryMs = RETRY_FIRST_MS;
        this.movingMs = MOVING_FIRST_MS;
        this.movingWaitedMs = 0;
        break;
      case "left":
        this.inSpace = false;
        // The space now runs on another server: ask for it again; this server answers with a redirect there.
        if (m.reason === LEFT.moved && this.join) {
          this.onStatus("moving", this.join.space);
          this.send(this.join);
        }
        break;
      case "redirect": this.follow(m, socket); break;
      case "error": if (m.code === ERROR.spaceMoving) this.askAgain(m, socket); break;
      default: break;
    }
  }

  /**
   * Goes to the server that runs the space: a new socket there with the ticket, and a normal close here.
   * @param {import("./protocol.js").Redirect} m
   * @param {WebSocket} socket
   */
  follow(m, socket) {
    this.onStatus("moving", m.space);
    // A reconnect, or a refused ticket, asks for this space.
    if (this.join) this.join = { ...this.join, space: m.space };
    this.teleport = null;
    // This socket's close is expected: nothing is retried for it.
    this.socket = null;
    socket.close(CLOSE.normal);
    if (/^wss?:\/\//.test(m.url)) {
      this.redirected = m.url;
      this.connect(m.url, m.ticket);
    } else {
      this.retry(originUrl());
    }
  }

  /**
   * The space is passing between servers: ask again after a pause (the join between spaces, the teleport in one),
   * until the retries' time is up.
   * @param {import("./protocol.js").ServerError} m
   * @param {WebSocket} socket
   */
  askAgain(m, socket) {
    const again = this.inSpace ? this.teleport : this.join;
    if (!again || this.movingWaitedMs >= MOVING_GIVE_UP_MS) {
      this.movingMs = MOVING_FIRST_MS;
      this.movingWaitedMs = 0;
      this.onStatus("unavailable", m.message);
      return;
    }
    this.onStatus("moving", typeof again.space === "string" ? again.space : "");
    const pause = this.movingMs;
    this.movingWaitedMs += pause;
    this.movingMs = Math.min(MOVING_MAX_MS, this.movingMs * 2);
    setTimeout(() => {
      if (this.socket === socket) this.send(again);
    }, pause);
  }

  /** Ends the connection for good, with a normal close, and retries nothing: the page is leaving for another city. */
  close() {
    clearTimeout(this.timer);
    const socket = this.socket;
    this.socket = null;
    this.inSpace = false;
    socket?.close(CLOSE.normal);
  }

  /** @param {...import("./protocol.js").ClientMessage} messages */
  send(...messages) {
    for (const m of messages) if (m.type === "teleportSpace" || m.type === "teleportPortal") this.teleport = m;
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(encodeClient(...messages));
  }

  /** Remembers the new space so a reconnect lands there too. */
  moveTo(space) {
    if (this.join) this.join = { ...this.join, space };
  }
}
