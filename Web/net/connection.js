// One WebSocket to the server: says hello, (re)joins the space, and hands decoded messages on.
// A dropped connection is retried with backoff, with the same persona.
import { CLOSE_FINAL, VERSION, encodeClient, decodeServerFrame } from "./protocol.js";

export class Connection {
  /**
   * `onStatus("closed", reason, code)` reports a close (the reason may be empty), `onStatus("error", text)` a bad frame.
   * @param {{ onMessage: (m: import("./protocol.js").ServerMessage) => void,
   *   onStatus: (kind: "closed" | "error", reason: string, code?: number) => void }} handlers
   */
  constructor({ onMessage, onStatus }) {
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.retryMs = 500;
    /** @type {import("./protocol.js").ClientMessage | null} */
    this.join = null;
    this.token = "";
    /** @type {WebSocket | null} */
    this.socket = null;
  }

  /**
   * `join` is a client message (joinGuest or join) sent after every hello.
   * @param {import("./protocol.js").ClientMessage} join
   */
  open(join, token = "") {
    this.join = join;
    this.token = token;
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/v1/connect`;
    const socket = new WebSocket(url);
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    socket.onopen = () => {
      this.retryMs = 500;
      this.send({ type: "hello", version: VERSION, token: this.token }, this.join);
    };
    socket.onmessage = (event) => {
      try {
        for (const m of decodeServerFrame(new Uint8Array(event.data))) this.onMessage(m);
      } catch (error) {
        this.onStatus("error", String(error));
      }
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.onStatus("closed", event.reason, event.code);
      // Refusals that a retry cannot fix end here: version, session, and an account erased or barred.
      if (CLOSE_FINAL.includes(event.code)) return;
      setTimeout(() => this.open(this.join, this.token), this.retryMs);
      this.retryMs = Math.min(10_000, this.retryMs * 2);
    };
  }

  /** @param {...import("./protocol.js").ClientMessage} messages */
  send(...messages) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(encodeClient(...messages));
  }

  /** Remembers the new space so a reconnect lands there too. */
  moveTo(space) {
    if (this.join) this.join = { ...this.join, space };
  }
}
