"""The protocol from the outside: shared vectors and a live server, checked by an independent Python client."""
import contextlib
import json
import pathlib
import time
import urllib.request

import pytest
from websockets.sync.client import connect

from live_server import live_server
from bitgoeul_protocol import (CLIENT_TYPES, LEFT_MOVED, SERVER_TYPES, decode_client_payload,
                               decode_server_payload, encode_client, follow_redirect, split_frame, str8)

ROOT = pathlib.Path(__file__).resolve().parent.parent
VECTORS = sorted((ROOT / "Tests/Fixtures/protocol").glob("*.json"))


def close_enough(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return abs(a - b) <= 1e-6 * max(1.0, abs(a))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(close_enough(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(close_enough(x, y) for x, y in zip(a, b))
    return a == b


def test_there_are_vectors_for_every_message_type():
    names = {json.loads(p.read_text())["message"]["type"] for p in VECTORS}
    assert len(VECTORS) >= 19
    assert set(SERVER_TYPES.values()) <= names | {"chat"}
    assert set(CLIENT_TYPES) <= names
    # The cluster's additions: handoff, redirect, and `left` because the space moved to another server.
    assert any(json.loads(p.read_text())["message"] == {"type": "left", "reason": LEFT_MOVED} for p in VECTORS)


@pytest.mark.parametrize("path", VECTORS, ids=lambda p: p.stem)
def test_vector_decodes_to_its_fields(path):
    vector = json.loads(path.read_text())
    frame = bytes.fromhex(vector["hex"])
    [(t, payload)] = split_frame(frame)
    decoded = decode_server_payload(t, payload) if t >= 0x80 else decode_client_payload(t, payload)
    assert close_enough(decoded, vector["message"]), (decoded, vector["message"])
    if t < 0x80:
        assert encode_client(vector["message"]).hex() == vector["hex"]


def test_following_a_redirect_hands_the_ticket_over_instead_of_hello_and_join():
    """The Python client's redirect helper against a stand-in for the other server (no Bitgoeul server needed)."""
    import struct
    import threading
    from websockets.sync.server import serve

    redirect = json.loads((ROOT / "Tests/Fixtures/protocol/server-redirect.json").read_text())["message"]
    received = []

    def other_server(ws):
        received.extend(decode_client_payload(t, p) for t, p in split_frame(ws.recv(timeout=5)))
        welcome = struct.pack("<HBB", 1, 20, 1)
        joined = str8(redirect["space"]) + struct.pack("<I9fH", 7, *[0.0] * 9, 64)
        ws.send(struct.pack("<BH", 0x81, len(welcome)) + welcome + struct.pack("<BH", 0x82, len(joined)) + joined)
        with contextlib.suppress(Exception):
            ws.recv(timeout=5)

    with serve(other_server, "127.0.0.1", 0) as stand_in:
        threading.Thread(target=stand_in.serve_forever, daemon=True).start()
        port = stand_in.socket.getsockname()[1]
        ws, welcome, joined = follow_redirect({**redirect, "url": f"ws://127.0.0.1:{port}/api/v1/connect"})
        with ws:
            assert welcome["type"] == "welcome" and joined["space"] == redirect["space"]
        stand_in.shutdown()
    assert received == [{"type": "handoff", "version": 1, "ticket": redirect["ticket"]}]


@pytest.fixture(scope="module")
def server():
    with live_server("--world", str(ROOT / "Tests/Fixtures/worlds/testland"), "--web", "/nonexistent") as base:
        yield base


def receive_until(ws, predicate, timeout=5.0):
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


GUEST_LOOK = {"bodyShape": 1, "skinColor": 0xE0B89A, "primaryColor": 0x3A6EA5, "secondaryColor": 0x222222,
              "accessory": 2}


def test_health_over_http(server):
    with urllib.request.urlopen(server + "/healthz") as r:
        assert json.load(r) == {"status": "ok"}


def test_two_python_clients_see_each_other_and_chat(server):
    ws_url = server.replace("http://", "ws://") + "/api/v1/connect"
    with connect(ws_url) as a, connect(ws_url) as b:
        a.send(encode_client({"type": "hello", "version": 1, "token": ""})
               + encode_client({"type": "joinGuest", "space": "testland/plaza", "name": "Python A",
                                "appearance": GUEST_LOOK}))
        welcome, _ = receive_until(a, lambda m: m["type"] == "welcome")
        assert welcome["guest"] is True and welcome["tickHz"] == 20
        joined, _ = receive_until(a, lambda m: m["type"] == "joined")
        assert joined["space"] == "testland/plaza" and joined["quantumM"] == pytest.approx(0.01)

        b.send(encode_client({"type": "hello", "version": 1, "token": ""})
               + encode_client({"type": "joinGuest", "space": "testland/plaza", "name": "Python B",
                                "appearance": GUEST_LOOK}))
        snapshot, _ = receive_until(a, lambda m: m["type"] == "snapshot" and any(
            e["name"] == "Python B" for e in m["enters"]))
        enter = next(e for e in snapshot["enters"] if e["name"] == "Python B")
        assert enter["appearance"] == GUEST_LOOK and enter["flags"] & 1

        b.send(encode_client({"type": "chat", "scope": 1, "text": "광주에서 안녕"}))
        chat, _ = receive_until(a, lambda m: m["type"] == "chat")
        assert chat["text"] == "광주에서 안녕" and chat["name"] == "Python B"


def test_bad_version_is_closed_with_4000(server):
    ws_url = server.replace("http://", "ws://") + "/api/v1/connect"
    with connect(ws_url) as ws:
        ws.send(encode_client({"type": "hello", "version": 7, "token": ""}))
        with pytest.raises(Exception):
            ws.recv(timeout=5)
        assert ws.close_code == 4000
        assert "version" in ws.close_reason


@pytest.mark.parametrize("fragments", [1, 3], ids=["whole", "fragmented"])
def test_a_message_over_16_kib_is_closed_with_1009(server, fragments):
    """RFC 6455 §7.4.1: 1009 for a message too big to process, whether it came in one frame or several."""
    ws_url = server.replace("http://", "ws://") + "/api/v1/connect"
    with connect(ws_url) as ws:
        ws.send(encode_client({"type": "hello", "version": 1, "token": ""}))
        receive_until(ws, lambda m: m["type"] == "welcome")
        chunk = b"\x00" * (20_000 // fragments)
        ws.send(chunk if fragments == 1 else iter([chunk] * fragments))
        with pytest.raises(Exception):
            while True:
                ws.recv(timeout=5)
        assert ws.close_code == 1009, (ws.close_code, ws.close_reason)
