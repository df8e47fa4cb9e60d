"""Three federated cities on loopback (as `make federation` runs them), and a traveller's client for them.

Used by the live federation tests, the browser trip and scripts/bench_travel.py."""
import contextlib
import json
import math
import os
import pathlib
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from websockets.sync.client import connect

from bitgoeul_protocol import encode_client, split_frame, decode_server_payload
from live_server import BINARY, ROOT

CITIES = {
    "gwangju": {"id": "gwangju.example", "name": "광주 Gwangju", "space": "gwangju/acc-plaza"},
    "daegu": {"id": "daegu.example", "name": "대구 Daegu", "space": "daegu/kim-kwangseok-street"},
    "jeju": {"id": "jeju.example", "name": "제주 Jeju", "space": "jeju/arario-tapdong"},
}
PORTALS = {  # (city, portal id) -> position, from the worlds' space.json
    ("gwangju", "to-daegu"): (-12, -35), ("gwangju", "to-jeju"): (12, -35),
    ("daegu", "to-gwangju"): (-15, 20), ("daegu", "to-jeju"): (15, 20),
    ("jeju", "to-gwangju"): (-15, 42), ("jeju", "to-daegu"): (15, 42),
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, method, path, body=None, token=None):
    """(status, decoded JSON body) of one HTTP call; errors are returned, not raised."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


class City:
    def __init__(self, key, port, data):
        self.key, self.port, self.data = key, port, pathlib.Path(data)
        self.id, self.name, self.space = CITIES[key]["id"], CITIES[key]["name"], CITIES[key]["space"]
        self.base = f"http://127.0.0.1:{port}"
        self.peers = self.data / "peers.toml"
        self.proc = None

    def write_peers(self, entries, refuse=()):
        """Pins the other cities' entries; those in `refuse` are listed but send no visitors here."""
        text = "".join(entry + f"\naccept_visitors = {'false' if other in refuse else 'true'}\n\n"
                       for other, entry in entries.items() if other != self.key)
        tmp = self.peers.with_suffix(".tmp")
        tmp.write_text(text)
        tmp.replace(self.peers)

    def reload(self):
        self.proc.send_signal(signal.SIGHUP)

    def sqlite_bytes(self):
        return b"".join(p.read_bytes() for p in self.data.glob("bitgoeul.sqlite*"))


@contextlib.contextmanager
def three_cities(web=False):
    """Starts Gwangju, Daegu and Jeju, each pinning the other two; yields {key: City}."""
    root = pathlib.Path(tempfile.mkdtemp(prefix="bitgoeul-federation-"))
    cities = {key: City(key, free_port(), root / key) for key in CITIES}
    entries = {}
    for city in cities.values():
        city.data.mkdir(parents=True)
        out = subprocess.run([str(BINARY), "federation", "key", "--data", str(city.data), "--server-id", city.id,
                              "--url", city.base], check=True, capture_output=True, text=True).stdout
        entries[city.key] = out.strip().replace(f'id = "{city.id}"', f'id = "{city.id}"\nname = "{city.name}"', 1)
    try:
        for city in cities.values():
            city.write_peers(entries)
            args = [str(BINARY), "serve", "--port", str(city.port), "--data", str(city.data), "--log-level",
                    "warning", "--world", str(ROOT / "worlds" / city.key), "--server-id", city.id,
                    "--server-name", city.name, "--peers", str(city.peers)]
            if web:
                args += ["--web", str(ROOT / "Web"), "--boundaries", str(ROOT / "worlds/boundaries")]
            city.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        for city in cities.values():
            line = city.proc.stdout.readline()
            assert "://" in line, f"{city.key} did not start: {line!r}"
        # Each city looked at the others as it started, perhaps before they listened: SIGHUP makes it look again.
        for city in cities.values():
            city.reload()
        for city in cities.values():
            city.entries = entries
        yield cities
    finally:
        for city in cities.values():
            if city.proc:
                city.proc.terminate()
        for city in cities.values():
            if city.proc:
                city.proc.wait(timeout=10)


def sign_up(city, username, persona):
    """An account with one persona at `city`: (token, persona id)."""
    password = "travel the three cities"
    status, _ = call(city.base, "POST", "/api/v1/accounts", {"username": username, "password": password})
    assert status == 201, status
    _, session = call(city.base, "POST", "/api/v1/sessions", {"username": username, "password": password})
    status, made = call(city.base, "POST", "/api/v1/personas", {"name": persona}, session["token"])
    assert status == 201, (status, made)
    return session["token"], made["id"], session


class Client:
    """One real-time connection, with the position its snapshots say."""

    def __init__(self, url):
        self.ws = connect(url, open_timeout=5, max_size=2 ** 20)
        self.seen = []
        self.x = self.y = 0.0
        self.seq = 0
        self.entities = {}

    @staticmethod
    def to(city):
        return Client(city.base.replace("http", "ws", 1) + "/api/v1/connect")

    def send(self, message):
        self.ws.send(encode_client(message))

    def pump(self, timeout):
        """Reads what arrives within `timeout` s; returns the new messages."""
        new = []
        try:
            frame = self.ws.recv(timeout=timeout)
        except TimeoutError:
            return new
        for t, payload in split_frame(frame):
            m = decode_server_payload(t, payload)
            new.append(m)
            if m["type"] == "snapshot":
                self.x, self.y = m["selfX"], m["selfY"]
                for e in m["enters"]:
                    self.entities[e["id"]] = e
                for gone in m["leaves"]:
                    self.entities.pop(gone, None)
            elif m["type"] == "joined":
                self.x, self.y = m["x"], m["y"]
        self.seen += new
        return new

    def wait_for(self, predicate, timeout=10.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for m in self.pump(max(0.01, deadline - time.time())):
                if predicate(m):
                    return m
        raise AssertionError(f"not received in {timeout} s; saw {[m['type'] for m in self.seen][-12:]}")

    def wait_type(self, kind, timeout=10.0):
        return self.wait_for(lambda m: m["type"] == kind, timeout)

    def walk_to(self, x, y, within_m=1.0, timeout=30.0):
        """Runs (4 m/s) to (x, y), sending an intent every 50 ms from where the server says we are."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            dx, dy = x - self.x, y - self.y
            d = math.hypot(dx, dy)
            if d <= within_m:
                return
            step = min(d, 0.2)
            self.seq += 1
            self.send({"type": "move", "seq": self.seq, "x": self.x + dx / d * step, "y": self.y + dy / d * step,
                       "z": 0.0, "heading": math.atan2(dy, dx), "animation": 2})
            # Optimistic, like a client: the next snapshot corrects us.
            self.x, self.y = self.x + dx / d * step, self.y + dy / d * step
            end = time.time() + 0.05
            while time.time() < end:
                self.pump(max(0.001, end - time.time()))
        raise AssertionError(f"did not reach ({x}, {y}); at ({self.x:.1f}, {self.y:.1f})")

    def close(self):
        self.ws.close()


def enter_home(city, token, persona):
    """Signed in at home and in the city's first space."""
    c = Client.to(city)
    c.send({"type": "hello", "version": 1, "token": token})
    c.wait_type("welcome")
    c.send({"type": "join", "space": city.space, "personaId": persona})
    c.wait_type("joined")
    c.wait_type("snapshot")
    return c


def ticket(home, token, persona, city, space, bring_blocks=False):
    status, body = call(home.base, "POST", "/api/v1/travel/tickets",
                        {"personaId": persona, "city": city, "space": space, "lang": "ko", "bringBlocks": bring_blocks},
                        token)
    assert status == 201, (status, body)
    return body


def visit(body):
    """Arrives with a ticket: (client, welcome, visiting, joined)."""
    c = Client(body["url"])
    c.send({"type": "visit", "version": 1, "ticket": body["ticket"]})
    welcome = c.wait_type("welcome")
    visiting = c.wait_type("visiting")
    joined = c.wait_type("joined")
    return c, welcome, visiting, joined


def step_into(c, city_key, portal):
    """Walks into a portal and uses it; returns the `travel` message."""
    x, y = PORTALS[(city_key, portal)]
    c.walk_to(x, y)
    c.send({"type": "teleportPortal", "portalId": portal})
    return c.wait_type("travel")
