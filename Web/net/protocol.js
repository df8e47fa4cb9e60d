// The Bitgoeul real-time protocol (docs/protocol.md) for the browser: encode client messages,
// decode server frames. Little-endian throughout; a frame holds messages of type u8, length u16, payload.

export const VERSION = 1;

export const CLIENT_TYPES = {
  hello: 0x01, join: 0x02, joinGuest: 0x03, move: 0x04, chat: 0x05, teleportPortal: 0x06,
  teleportSpace: 0x07, presenceRequest: 0x08, ping: 0x09, leave: 0x0a, setBoundary: 0x0b, relate: 0x0c,
  report: 0x0d, tour: 0x0e, tourStop: 0x0f, handoff: 0x10, visit: 0x11, layer: 0x12,
};

/** Server message names by type code. */
export const SERVER_NAMES = {
  0x81: "welcome", 0x82: "joined", 0x83: "snapshot", 0x84: "chat", 0x85: "presence", 0x86: "error",
  0x87: "pong", 0x88: "left", 0x89: "notice", 0x8a: "redirect", 0x8b: "travel", 0x8c: "visiting", 0x8d: "layer",
};

/** Personal boundary modes, `relate` actions, report categories and notice kinds (docs/protocol.md). */
export const BOUNDARY = { nonFriends: 0, everyone: 1, off: 2 };
export const RELATE = { mute: 1, unmute: 2, block: 3, friend: 4 };
export const REPORT_CATEGORIES = ["harassment", "threat", "sexual_content", "spam", "fraud", "minor_safety", "other"];
export const NOTICE = { info: 0, moderation: 1, reportOutcome: 2, friendRequest: 3, tour: 4 };
export const TOUR = { start: 1, join: 2, leave: 3 };
/** Why the server took you out of a space (`left.reason`): `moved` means the space now runs on another server. */
export const LEFT = { requested: 0, teleported: 1, kicked: 2, spaceClosed: 3, moved: 4 };
/** Error codes (docs/protocol.md, "Errors"). */
export const ERROR = {
  badMessage: 1, unknownType: 2, notJoined: 3, unknownSpace: 4, spaceFull: 5, rateLimited: 6, unknownPersona: 7,
  guestsNotAllowed: 8, notNearPortal: 9, unknownPortal: 10, invalidValue: 11, textTooLong: 12, badName: 13,
  alreadyJoined: 15, busy: 16, notAllowed: 17, conflict: 18, unknownEntity: 19, sanctioned: 20, spaceMoving: 21,
  unknownLayer: 22,
};

export const SNAPSHOT_RESET = 1;
export const SNAPSHOT_CORRECTED = 2;
export const UPDATE_POSITION = 1;
export const UPDATE_HEADING = 2;
export const UPDATE_ANIMATION = 4;
/** Flags of a snapshot's enter record and of a presence entry. A visitor from another city's enter record ends
 * with their home city's name (docs/federation.md). */
export const ENTITY_GUEST = 1;
export const ENTITY_SIMULATED = 2;
export const ENTITY_VISITOR = 4;
/** The `move` message's animation. */
export const ANIMATION = { idle: 0, walk: 1, run: 2, sit: 3, wave: 4, dance: 5 };
/** Appearance accessories on the wire; medal and lanyard are missions' rewards (docs/missions.md). */
export const ACCESSORY = { none: 0, hat: 1, glasses: 2, scarf: 3, backpack: 4, headphones: 5, medal: 6, lanyard: 7 };

/** WebSocket close codes (docs/protocol.md, "Close codes"). */
export const CLOSE = {
  normal: 1000, goingAway: 1001, tooManyConnectionsForAccount: 1008, messageTooBig: 1009,
  versionUnsupported: 4000, noHello: 4001, invalidSession: 4003, flooding: 4008, accountEnded: 4010,
  ticketRefused: 4011, travelRefused: 4012, defederated: 4013, admissionRefused: 4029, malformed: 4400,
};
/** Closes a retry cannot fix: the version, the session, and an account erased or barred. */
export const CLOSE_FINAL = [CLOSE.versionUnsupported, CLOSE.invalidSession, CLOSE.accountEnded];

/** The longest travel ticket `visit` carries (bytes); it may hold the traveller's blocks. */
const TRAVEL_TICKET_BYTES_MAX = 4096;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** A growable little-endian byte writer. */
class Writer {
  constructor() {
    this.bytes = new Uint8Array(64);
    this.view = new DataView(this.bytes.buffer);
    this.length = 0;
  }
  reserve(n) {
    if (this.length + n <= this.bytes.length) return;
    const bigger = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    bigger.set(this.bytes.subarray(0, this.length));
    this.bytes = bigger;
    this.view = new DataView(bigger.buffer);
  }
  u8(v) { this.reserve(1); this.view.setUint8(this.length, v); this.length += 1; }
  u16(v) { this.reserve(2); this.view.setUint16(this.length, v, true); this.length += 2; }
  u32(v) { this.reserve(4); this.view.setUint32(this.length, v, true); this.length += 4; }
  i64(v) { this.reserve(8); this.view.setBigInt64(this.length, BigInt(v), true); this.length += 8; }
  f32(v) { this.reserve(4); this.view.setFloat32(this.length, v, true); this.length += 4; }
  f64(v) { this.reserve(8); this.view.setFloat64(this.length, v, true); this.length += 8; }
  raw(b) { this.reserve(b.length); this.bytes.set(b, this.length); this.length += b.length; }
  /** A string cut at a character boundary to fit `max` bytes, with a u8 or u16 length. */
  str(s, lengthBytes, max) {
    let b = encoder.encode(s);
    if (b.length > max) {
      let end = max;
      while (end > 0 && (b[end] & 0xc0) === 0x80) end -= 1;
      b = b.subarray(0, end);
    }
    if (lengthBytes === 1) this.u8(b.length); else this.u16(b.length);
    this.raw(b);
  }
  u24(v) { this.u8(v & 0xff); this.u16((v >> 8) & 0xffff); }
  appearance(a) {
    this.u8(a.bodyShape); this.u24(a.skinColor); this.u24(a.primaryColor); this.u24(a.secondaryColor); this.u8(a.accessory);
  }
  result() { return this.bytes.slice(0, this.length); }
}

/**
 * Encodes client messages (objects with a `type`) into one frame.
 * @param {...ClientMessage} messages
 */
export function encodeClient(...messages) {
  const w = new Writer();
  for (const m of messages) {
    const type = CLIENT_TYPES[m.type];
    if (type === undefined) throw new Error(`unknown client message type ${m.type}`);
    w.u8(type);
    const lengthAt = w.length;
    w.u16(0);
    const start = w.length;
    switch (m.type) {
      case "hello": w.u16(m.version); w.str(m.token, 2, 128); break;
      case "join": w.str(m.space, 1, 96); w.i64(m.personaId); break;
      case "joinGuest": w.str(m.space, 1, 96); w.str(m.name, 1, 96); w.appearance(m.appearance); break;
      case "move": w.u32(m.seq); w.f32(m.x); w.f32(m.y); w.f32(m.z); w.f32(m.heading); w.u8(m.animation); break;
      case "chat": w.u8(m.scope); w.str(m.text, 2, 2000); break;
      case "teleportPortal": w.str(m.portalId, 1, 96); break;
      case "teleportSpace": w.str(m.space, 1, 96); break;
      case "ping": w.f64(m.clientTimeMs); break;
      case "setBoundary": w.u8(m.mode); break;
      case "relate": w.u8(m.action); w.u32(m.entityId); break;
      case "report": w.u32(m.entityId); w.u8(m.category); w.u8(m.block ? 1 : 0); w.str(m.note, 2, 2000); break;
      case "tour": w.u8(m.action); w.u32(m.entityId); break;
      case "tourStop": w.str(m.artwork, 1, 96); break;
      case "handoff": w.u16(m.version); w.str(m.ticket, 2, 1024); break;
      case "visit": w.u16(m.version); w.str(m.ticket, 2, TRAVEL_TICKET_BYTES_MAX); break;
      case "layer": w.str(m.proposal, 1, 96); w.u16(m.version); break;
      default: break;
    }
    w.view.setUint16(lengthAt, w.length - start, true);
  }
  return w.result();
}

/** A bounds-checked little-endian reader over one message payload. */
class Reader {
  constructor(bytes, field) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.at = 0;
    this.field = field;
  }
  need(n) { if (this.at + n > this.bytes.length) throw new Error(`${this.field}: message ends early`); }
  u8() { this.need(1); const v = this.view.getUint8(this.at); this.at += 1; return v; }
  u16() { this.need(2); const v = this.view.getUint16(this.at, true); this.at += 2; return v; }
  u32() { this.need(4); const v = this.view.getUint32(this.at, true); this.at += 4; return v; }
  i64() { this.need(8); const v = this.view.getBigInt64(this.at, true); this.at += 8; return Number(v); }
  f32() { this.need(4); const v = this.view.getFloat32(this.at, true); this.at += 4; return v; }
  f64() { this.need(8); const v = this.view.getFloat64(this.at, true); this.at += 8; return v; }
  u24() { const low = this.u8(); return low | (this.u16() << 8); }
  str(lengthBytes) {
    const n = lengthBytes === 1 ? this.u8() : this.u16();
    this.need(n);
    const s = decoder.decode(this.bytes.subarray(this.at, this.at + n));
    this.at += n;
    return s;
  }
  appearance() {
    return { bodyShape: this.u8(), skinColor: this.u24(), primaryColor: this.u24(), secondaryColor: this.u24(), accessory: this.u8() };
  }
  end() { if (this.at !== this.bytes.length) throw new Error(`${this.field}: ${this.bytes.length - this.at} bytes after the message`); }
}

/** Splits a frame into [type, payload] pairs. */
export function splitFrame(bytes) {
  const out = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at < bytes.length) {
    if (at + 3 > bytes.length) throw new Error("frame: message header cut short");
    const type = view.getUint8(at);
    const length = view.getUint16(at + 1, true);
    if (at + 3 + length > bytes.length) throw new Error("frame: message longer than the frame");
    out.push([type, bytes.subarray(at + 3, at + 3 + length)]);
    at += 3 + length;
  }
  return out;
}

/**
 * @typedef {{ bodyShape: number, skinColor: number, primaryColor: number, secondaryColor: number, accessory: number }} Appearance
 * @typedef {{ type: "welcome", version: number, tickHz: number, guest: boolean }} Welcome
 * @typedef {{ type: "joined", space: string, entityId: number, originX: number, originY: number, originZ: number,
 *   quantumM: number, x: number, y: number, z: number, heading: number, aoiRadiusM: number, aoiMax: number }} Joined
 * @typedef {{ id: number, flags: number, x: number, y: number, z: number, heading: number, animation: number,
 *   appearance: Appearance, name: string, home?: string }} Enter  `home`: a visitor's home city (ENTITY_VISITOR)
 * @typedef {{ id: number, mask: number, x?: number, y?: number, z?: number, heading?: number, animation?: number }} Update
 * @typedef {{ type: "snapshot", tick: number, ackSeq: number, flags: number, selfX: number, selfY: number, selfZ: number,
 *   selfHeading: number, leaves: number[], enters: Enter[], updates: Update[] }} Snapshot
 * @typedef {{ type: "chat", fromEntity: number, scope: number, name: string, text: string }} Chat
 * @typedef {{ entityId: number, name: string, flags: number }} PresenceEntry
 * @typedef {{ type: "presence", total: number, entries: PresenceEntry[] }} Presence
 * @typedef {{ type: "error", code: number, message: string }} ServerError
 * @typedef {{ type: "pong", clientTimeMs: number, serverTimeMs: number }} Pong
 * @typedef {{ type: "left", reason: number }} Left
 * @typedef {{ type: "notice", kind: number, entityId: number, text: string }} Notice
 * @typedef {{ type: "redirect", url: string, ticket: string, space: string }} Redirect
 * @typedef {{ type: "travel", city: string, space: string }} Travel  a portal to `space` in the peer city `city`
 * @typedef {{ type: "visiting", home: string, homeName: string, homeUrl: string }} Visiting  you are a visitor here
 * @typedef {{ type: "layer", proposal: string, version: number }} Layer  the layer your movement now obeys: a
 *   proposal's version (docs/planning.md), or today's world when `proposal` is empty
 * @typedef {{ type: "unknown", code: number }} Unknown
 * @typedef {Welcome | Joined | Snapshot | Chat | Presence | ServerError | Pong | Left | Notice | Redirect | Travel |
 *   Visiting | Layer | Unknown} ServerMessage
 * @typedef {{ type: keyof typeof CLIENT_TYPES, [field: string]: any }} ClientMessage
 */

/** @returns {ServerMessage} */
function decodeServerMessage(type, payload) {
  const name = SERVER_NAMES[type];
  if (!name) return { type: "unknown", code: type };
  const r = new Reader(payload, name);
  /** @type {ServerMessage} */
  let m;
  switch (name) {
    case "welcome": m = { type: "welcome", version: r.u16(), tickHz: r.u8(), guest: r.u8() === 1 }; break;
    case "joined":
      m = { type: "joined", space: r.str(1), entityId: r.u32(), originX: r.f32(), originY: r.f32(), originZ: r.f32(),
        quantumM: r.f32(), x: r.f32(), y: r.f32(), z: r.f32(), heading: r.f32(), aoiRadiusM: r.f32(), aoiMax: r.u16() };
      break;
    case "snapshot": {
      const header = { tick: r.u32(), ackSeq: r.u32(), flags: r.u8(), selfX: r.f32(), selfY: r.f32(), selfZ: r.f32(),
        selfHeading: r.f32() };
      const leaves = r.u16(); const enters = r.u16(); const updates = r.u16(); r.u16();
      m = {
        type: "snapshot", ...header,
        leaves: Array.from({ length: leaves }, () => r.u32()),
        enters: Array.from({ length: enters }, () => {
          const e = { id: r.u32(), flags: r.u8(), x: r.u16(), y: r.u16(), z: r.u16(), heading: r.u16(), animation: r.u8() };
          /** @type {Enter} */
          const enter = { ...e, appearance: r.appearance(), name: r.str(1) };
          if (e.flags & ENTITY_VISITOR) enter.home = r.str(1);
          return enter;
        }),
        updates: Array.from({ length: updates }, () => {
          /** @type {Update} */
          const u = { id: r.u32(), mask: r.u8() };
          if (u.mask & UPDATE_POSITION) { u.x = r.u16(); u.y = r.u16(); u.z = r.u16(); }
          if (u.mask & UPDATE_HEADING) u.heading = r.u16();
          if (u.mask & UPDATE_ANIMATION) u.animation = r.u8();
          return u;
        }),
      };
      break;
    }
    case "chat": m = { type: "chat", fromEntity: r.u32(), scope: r.u8(), name: r.str(1), text: r.str(2) }; break;
    case "presence": {
      const total = r.u16();
      const count = r.u16();
      const entries = Array.from({ length: count }, () => ({ entityId: r.u32(), name: r.str(1), flags: r.u8() }));
      m = { type: "presence", total, entries };
      break;
    }
    case "error": m = { type: "error", code: r.u16(), message: r.str(2) }; break;
    case "pong": m = { type: "pong", clientTimeMs: r.f64(), serverTimeMs: r.f64() }; break;
    case "left": m = { type: "left", reason: r.u8() }; break;
    case "notice": m = { type: "notice", kind: r.u8(), entityId: r.u32(), text: r.str(2) }; break;
    case "redirect": m = { type: "redirect", url: r.str(2), ticket: r.str(2), space: r.str(1) }; break;
    case "travel": m = { type: "travel", city: r.str(1), space: r.str(1) }; break;
    case "visiting": m = { type: "visiting", home: r.str(1), homeName: r.str(1), homeUrl: r.str(2) }; break;
    case "layer": m = { type: "layer", proposal: r.str(1), version: r.u16() }; break;
  }
  r.end();
  return m;
}

/**
 * Decodes a server frame into its messages.
 * @param {Uint8Array} bytes
 * @returns {ServerMessage[]}
 */
export function decodeServerFrame(bytes) {
  return splitFrame(bytes).map(([type, payload]) => decodeServerMessage(type, payload));
}

/** Decodes a client frame (for tests and tools). */
export function decodeClientFrame(bytes) {
  const names = Object.fromEntries(Object.entries(CLIENT_TYPES).map(([k, v]) => [v, k]));
  return splitFrame(bytes).map(([type, payload]) => {
    const name = names[type];
    if (!name) throw new Error(`unknown client message type ${type}`);
    const r = new Reader(payload, name);
    /** @type {Record<string, any>} */
    const m = { type: name };
    switch (name) {
      case "hello": m.version = r.u16(); m.token = r.str(2); break;
      case "join": m.space = r.str(1); m.personaId = r.i64(); break;
      case "joinGuest": m.space = r.str(1); m.name = r.str(1); m.appearance = r.appearance(); break;
      case "move": Object.assign(m, { seq: r.u32(), x: r.f32(), y: r.f32(), z: r.f32(), heading: r.f32(), animation: r.u8() }); break;
      case "chat": m.scope = r.u8(); m.text = r.str(2); break;
      case "teleportPortal": m.portalId = r.str(1); break;
      case "teleportSpace": m.space = r.str(1); break;
      case "ping": m.clientTimeMs = r.f64(); break;
      case "setBoundary": m.mode = r.u8(); break;
      case "relate": m.action = r.u8(); m.entityId = r.u32(); break;
      case "report": m.entityId = r.u32(); m.category = r.u8(); m.block = r.u8() === 1; m.note = r.str(2); break;
      case "tour": m.action = r.u8(); m.entityId = r.u32(); break;
      case "tourStop": m.artwork = r.str(1); break;
      case "handoff": m.version = r.u16(); m.ticket = r.str(2); break;
      case "visit": m.version = r.u16(); m.ticket = r.str(2); break;
      case "layer": m.proposal = r.str(1); m.version = r.u16(); break;
      default: break;
    }
    r.end();
    return m;
  });
}

/**
 * Metres from a quantised position, given the `joined` message's origin and quantum.
 * @param {Joined} joined
 * @returns {[number, number, number]}
 */
export function dequantize(joined, x, y, z) {
  return [joined.originX + x * joined.quantumM, joined.originY + y * joined.quantumM, joined.originZ + z * joined.quantumM];
}

/** Radians from a 16-bit heading. */
export function headingRadians(h) { return (h / 65536) * 2 * Math.PI; }
