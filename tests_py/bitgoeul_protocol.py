"""An independent Python implementation of the Bitgoeul real-time protocol, written from docs/protocol.md.

It checks the Swift codec from the outside: the shared test vectors and a live server must agree with it.
"""
import struct

CLIENT_TYPES = {
    "hello": 0x01, "join": 0x02, "joinGuest": 0x03, "move": 0x04, "chat": 0x05, "teleportPortal": 0x06,
    "teleportSpace": 0x07, "presenceRequest": 0x08, "ping": 0x09, "leave": 0x0A, "setBoundary": 0x0B,
    "relate": 0x0C, "report": 0x0D, "tour": 0x0E, "tourStop": 0x0F, "handoff": 0x10,
    "visit": 0x11, "layer": 0x12,
}
SERVER_TYPES = {
    0x81: "welcome", 0x82: "joined", 0x83: "snapshot", 0x84: "chat", 0x85: "presence", 0x86: "error",
    0x87: "pong", 0x88: "left", 0x89: "notice", 0x8A: "redirect",
    0x8B: "travel", 0x8C: "visiting", 0x8D: "layer",
}
# `left` reasons, the error a client retries while a space passes between servers, and the close for a refused ticket.
LEFT_TELEPORTED, LEFT_MOVED = 1, 4
ERROR_SPACE_MOVING = 21
# A `layer` naming a proposal or version the space does not have (docs/planning.md).
ERROR_UNKNOWN_LAYER = 22
CLOSE_TICKET_REFUSED = 4011
# A visitor's refused travel ticket, and a visitor sent home because the city stopped taking visitors from theirs.
CLOSE_TRAVEL_REFUSED, CLOSE_DEFEDERATED = 4012, 4013
# An entity's flags: a guest, a digital human, a visitor from another city (then `home` follows the name).
FLAG_GUEST, FLAG_SIMULATED, FLAG_VISITOR = 1, 2, 4


def str8(s):
    b = s.encode("utf-8")
    return struct.pack("<B", len(b)) + b


def str16(s):
    b = s.encode("utf-8")
    return struct.pack("<H", len(b)) + b


def u24(v):
    return struct.pack("<BH", v & 0xFF, (v >> 8) & 0xFFFF)


def appearance(a):
    return (struct.pack("<B", a["bodyShape"]) + u24(a["skinColor"]) + u24(a["primaryColor"])
            + u24(a["secondaryColor"]) + struct.pack("<B", a["accessory"]))


def encode_client(m):
    """One client message (a dict with 'type') as type, length, payload."""
    t = m["type"]
    if t == "hello":
        p = struct.pack("<H", m["version"]) + str16(m["token"])
    elif t == "join":
        p = str8(m["space"]) + struct.pack("<q", m["personaId"])
    elif t == "joinGuest":
        p = str8(m["space"]) + str8(m["name"]) + appearance(m["appearance"])
    elif t == "move":
        p = struct.pack("<IffffB", m["seq"], m["x"], m["y"], m["z"], m["heading"], m["animation"])
    elif t == "chat":
        p = struct.pack("<B", m["scope"]) + str16(m["text"])
    elif t == "teleportPortal":
        p = str8(m["portalId"])
    elif t == "teleportSpace":
        p = str8(m["space"])
    elif t == "ping":
        p = struct.pack("<d", m["clientTimeMs"])
    elif t == "setBoundary":
        p = struct.pack("<B", m["mode"])
    elif t == "relate":
        p = struct.pack("<BI", m["action"], m["entityId"])
    elif t == "report":
        p = struct.pack("<IBB", m["entityId"], m["category"], 1 if m["block"] else 0) + str16(m["note"])
    elif t == "tour":
        p = struct.pack("<BI", m["action"], m["entityId"])
    elif t == "tourStop":
        p = str8(m["artwork"])
    elif t in ("handoff", "visit"):
        p = struct.pack("<H", m["version"]) + str16(m["ticket"])
    elif t == "layer":
        p = str8(m["proposal"]) + struct.pack("<H", m["version"])
    else:
        p = b""
    return struct.pack("<BH", CLIENT_TYPES[t], len(p)) + p


class Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, fmt):
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def str8(self):
        n = self.take("B")
        s = self.data[self.pos:self.pos + n].decode("utf-8")
        self.pos += n
        return s

    def str16(self):
        n = self.take("H")
        s = self.data[self.pos:self.pos + n].decode("utf-8")
        self.pos += n
        return s

    def u24(self):
        low, high = self.take("BH")
        return low | high << 8

    def appearance(self):
        body = self.take("B")
        skin, primary, secondary = self.u24(), self.u24(), self.u24()
        return {"bodyShape": body, "skinColor": skin, "primaryColor": primary, "secondaryColor": secondary,
                "accessory": self.take("B")}


def decode_server_payload(t, payload):
    r = Reader(payload)
    name = SERVER_TYPES[t]
    m = {"type": name}
    if name == "welcome":
        m["version"], m["tickHz"], guest = r.take("HBB")
        m["guest"] = guest == 1
    elif name == "joined":
        m["space"] = r.str8()
        m["entityId"] = r.take("I")
        for k in ["originX", "originY", "originZ", "quantumM", "x", "y", "z", "heading", "aoiRadiusM"]:
            m[k] = r.take("f")
        m["aoiMax"] = r.take("H")
    elif name == "snapshot":
        m["tick"], m["ackSeq"], m["flags"] = r.take("IIB")
        m["selfX"], m["selfY"], m["selfZ"], m["selfHeading"] = r.take("ffff")
        leaves, enters, updates, _reserved = r.take("HHHH")
        m["leaves"] = [r.take("I") for _ in range(leaves)]
        m["enters"] = []
        for _ in range(enters):
            e = dict(zip(["id", "flags", "x", "y", "z", "heading", "animation"], r.take("IBHHHHB")))
            e["appearance"] = r.appearance()
            e["name"] = r.str8()
            if e["flags"] & FLAG_VISITOR:
                e["home"] = r.str8()
            m["enters"].append(e)
        m["updates"] = []
        for _ in range(updates):
            u = {"id": r.take("I"), "mask": r.take("B")}
            if u["mask"] & 1:
                u["x"], u["y"], u["z"] = r.take("HHH")
            if u["mask"] & 2:
                u["heading"] = r.take("H")
            if u["mask"] & 4:
                u["animation"] = r.take("B")
            m["updates"].append(u)
    elif name == "chat":
        m["fromEntity"], m["scope"] = r.take("IB")
        m["name"], m["text"] = r.str8(), r.str16()
    elif name == "presence":
        m["total"], count = r.take("HH")
        m["entries"] = []
        for _ in range(count):
            entity = r.take("I")
            m["entries"].append({"entityId": entity, "name": r.str8(), "flags": r.take("B")})
    elif name == "error":
        m["code"] = r.take("H")
        m["message"] = r.str16()
    elif name == "pong":
        m["clientTimeMs"], m["serverTimeMs"] = r.take("dd")
    elif name == "left":
        m["reason"] = r.take("B")
    elif name == "notice":
        m["kind"], m["entityId"] = r.take("BI")
        m["text"] = r.str16()
    elif name == "redirect":
        m["url"], m["ticket"], m["space"] = r.str16(), r.str16(), r.str8()
    elif name == "travel":
        m["city"], m["space"] = r.str8(), r.str8()
    elif name == "visiting":
        m["home"], m["homeName"], m["homeUrl"] = r.str8(), r.str8(), r.str16()
    elif name == "layer":
        m["proposal"] = r.str8()
        m["version"] = r.take("H")
    if r.pos != len(payload):
        raise ValueError(f"{name}: {len(payload) - r.pos} trailing bytes")
    return m


def decode_client_payload(t, payload):
    r = Reader(payload)
    name = {v: k for k, v in CLIENT_TYPES.items()}[t]
    m = {"type": name}
    if name == "hello":
        m["version"] = r.take("H")
        m["token"] = r.str16()
    elif name == "join":
        m["space"] = r.str8()
        m["personaId"] = r.take("q")
    elif name == "joinGuest":
        m["space"], m["name"] = r.str8(), r.str8()
        m["appearance"] = r.appearance()
    elif name == "move":
        m["seq"], m["x"], m["y"], m["z"], m["heading"], m["animation"] = r.take("IffffB")
    elif name == "chat":
        m["scope"] = r.take("B")
        m["text"] = r.str16()
    elif name == "teleportPortal":
        m["portalId"] = r.str8()
    elif name == "teleportSpace":
        m["space"] = r.str8()
    elif name == "ping":
        m["clientTimeMs"] = r.take("d")
    elif name == "setBoundary":
        m["mode"] = r.take("B")
    elif name == "relate":
        m["action"], m["entityId"] = r.take("BI")
    elif name == "report":
        m["entityId"], m["category"], block = r.take("IBB")
        m["block"] = block == 1
        m["note"] = r.str16()
    elif name == "tour":
        m["action"], m["entityId"] = r.take("BI")
    elif name == "tourStop":
        m["artwork"] = r.str8()
    elif name in ("handoff", "visit"):
        m["version"] = r.take("H")
        m["ticket"] = r.str16()
    elif name == "layer":
        m["proposal"] = r.str8()
        m["version"] = r.take("H")
    if r.pos != len(payload):
        raise ValueError(f"{name}: trailing bytes")
    return m


def split_frame(frame):
    """The (type, payload) pairs of a frame."""
    out, pos = [], 0
    while pos < len(frame):
        t, n = struct.unpack_from("<BH", frame, pos)
        out.append((t, frame[pos + 3:pos + 3 + n]))
        pos += 3 + n
    return out


def receive_messages(ws, predicate, timeout=5.0):
    """Decoded server messages from `ws` until one satisfies `predicate`: (that message, all seen).

    A close on the way raises websockets' ConnectionClosed (its `rcvd` holds the code, e.g. 4011 for a refused
    ticket); nothing matching in `timeout` seconds raises AssertionError."""
    import time

    deadline = time.time() + timeout
    seen = []
    while time.time() < deadline:
        frame = ws.recv(timeout=max(0.01, deadline - time.time()))
        for t, payload in split_frame(frame):
            m = decode_server_payload(t, payload)
            seen.append(m)
            if predicate(m):
                return m, seen
    raise AssertionError(f"not received in {timeout} s; saw {[m['type'] for m in seen][-10:]}")


def follow_redirect(redirect, timeout=5.0):
    """Follows a `redirect` as the browser does: a new connection to its url, `handoff` with its ticket instead of
    `hello`, then `welcome` and `joined` — the server places the person itself, so no `join` is sent.

    Returns (ws, welcome, joined); the caller closes ws (or uses it as a context manager). A refused ticket closes
    the connection with 4011, which surfaces as websockets' ConnectionClosed."""
    from websockets.sync.client import connect

    ws = connect(redirect["url"], open_timeout=timeout)
    try:
        ws.send(encode_client({"type": "handoff", "version": 1, "ticket": redirect["ticket"]}))
        joined, seen = receive_messages(ws, lambda m: m["type"] == "joined", timeout)
        if seen[0]["type"] != "welcome":
            raise AssertionError(f"a handoff is answered with welcome first, not {seen[0]}")
        return ws, seen[0], joined
    except BaseException:
        ws.close()
        raise
