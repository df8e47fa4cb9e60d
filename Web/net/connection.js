// One WebSocket to the server: says hello, (re)joins the space, and hands decoded messages on.
// A dropped connection is retried with backoff, with the same persona.
import { VERSION, encodeClient, decodeServerFrame } from "./protocol.js";

export class Connection {
  constructor({ onMessage, onStatus }) {
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.retryMs = 500;
    this.join = null;
    this.socket = null;
  }

  /** `join` is a client message (joinGuest or join) sent after every hello. */
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
      this.onStatus("closed", event.reason || `code ${event.code}`);
      // Refusals that a retry cannot fix end here: version, session, and an account erased or barred (4010).
      if ([4000, 4003, 4010].includes(event.code)) return;
      setTimeout(() => this.open(this.join, this.token), this.retryMs);
      this.retryMs = Math.min(10_000, this.retryMs * 2);
    };
  }

  send(...messages) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(encodeClient(...messages));
  }

  /** Remembers the new space so a reconnect lands there too. */
  moveTo(space) {
    if (this.join) this.join = { ...this.join, space };
  }
}
