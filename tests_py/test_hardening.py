"""A hostile client against a live server: slow and silent connections, oversized heads, a full
socket table, password guessing from one address, and a greedy client opening WebSockets.

Per-address limits are tested from two loopback addresses (127.0.0.1 and 127.0.0.2), as two
clients on the Internet would be seen."""
import http.client
import json
import select
import socket
import threading
import time

import pytest
from websockets.sync.client import connect

from bitgoeul_protocol import decode_server_payload, encode_client, split_frame
from live_server import ROOT, live_server

WORLD = ("--world", str(ROOT / "Tests/Fixtures/worlds/testland"), "--web", "/nonexistent")


def host_port(base):
    host, port = base.removeprefix("http://").split(":")
    return host, int(port)


def request(base, method, path, body=None, source="127.0.0.1", headers=None):
    host, port = host_port(base)
    conn = http.client.HTTPConnection(host, port, timeout=10, source_address=(source, 0))
    data = json.dumps(body).encode() if body is not None else None
    conn.request(method, path, body=data, headers={"Content-Type": "application/json", **(headers or {})})
    response = conn.getresponse()
    payload = response.read()
    conn.close()
    return response.status, json.loads(payload) if payload else None, response


def read_until_closed(sock, timeout):
    """Everything the server sends until it closes; None if it is still open after `timeout`."""
    sock.setblocking(False)
    data = b""
    deadline = time.time() + timeout
    while time.time() < deadline:
        ready, _, _ = select.select([sock], [], [], max(0.0, deadline - time.time()))
        if not ready:
            break
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            return data
        if not chunk:
            return data
        data += chunk
    return None


@pytest.fixture(scope="module")
def server():
    with live_server(*WORLD, "--request-head-timeout", "2", "--keep-alive-idle", "3",
                     "--password-iterations", "1000",
                     "--connections-per-second", "20", "--connections-per-address-per-second", "4") as base:
        yield base


def test_hundreds_of_slow_and_silent_connections_are_closed_while_others_are_served(server):
    host, port = host_port(server)
    silent = [socket.create_connection((host, port)) for _ in range(150)]
    slow = []
    for _ in range(150):
        s = socket.create_connection((host, port))
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: bitgoeul\r\nX-Slow: ")  # and never the rest
        slow.append(s)
    started = time.time()
    status, body, _ = request(server, "GET", "/healthz")
    assert status == 200 and body == {"status": "ok"}
    assert time.time() - started < 1.0, "a normal request is served at once meanwhile"
    answers = [read_until_closed(s, 6) for s in silent + slow]
    elapsed = time.time() - started
    still_open = sum(a is None for a in answers)
    assert still_open == 0, f"{still_open} of 300 still open after {elapsed:.1f} s"
    assert all(a == b"" for a in answers[:150]), "a silent connection is just closed"
    assert all(a.startswith(b"HTTP/1.1 408") for a in answers[150:]), answers[150][:80]
    for s in silent + slow:
        s.close()


def test_an_oversized_head_is_answered_431(server):
    host, port = host_port(server)
    with socket.create_connection((host, port)) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: bitgoeul\r\nCookie: " + b"a" * 20_000 + b"\r\n\r\n")
        answer = read_until_closed(s, 5)
    assert answer is not None and answer.startswith(b"HTTP/1.1 431"), answer[:80] if answer else answer
    assert b"headers_too_large" in answer
    # The same on a kept-alive connection's second request.
    with socket.create_connection((host, port)) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: bitgoeul\r\n\r\n")
        time.sleep(0.3)
        assert s.recv(65536).startswith(b"HTTP/1.1 200")
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: bitgoeul\r\nCookie: " + b"a" * 20_000 + b"\r\n\r\n")
        answer = read_until_closed(s, 5)
    assert answer is not None and answer.startswith(b"HTTP/1.1 431"), answer[:80] if answer else answer


def test_an_idle_kept_alive_connection_is_closed(server):
    host, port = host_port(server)
    with socket.create_connection((host, port)) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: bitgoeul\r\n\r\n")
        time.sleep(0.3)
        first = s.recv(65536)
        assert first.startswith(b"HTTP/1.1 200")
        started = time.time()
        assert read_until_closed(s, 8) == b""
        assert 2 < time.time() - started < 6, "closed after the 3 s keep-alive idle limit"


def test_a_full_socket_table_answers_503_and_recovers():
    with live_server(*WORLD, "--sockets-max", "40") as base:
        host, port = host_port(base)
        held = [socket.create_connection((host, port)) for _ in range(40)]
        time.sleep(0.2)
        with socket.create_connection((host, port)) as extra:
            answer = read_until_closed(extra, 5)
        assert answer is not None and answer.startswith(b"HTTP/1.1 503"), answer
        assert b"Retry-After: 5" in answer
        for s in held:
            s.close()
        time.sleep(0.3)
        assert request(base, "GET", "/healthz")[0] == 200


def test_guessing_from_one_address_slows_that_address_only(server):
    assert request(server, "POST", "/api/v1/accounts", {"username": "neighbour", "password": "signs in fine"},
                   source="127.0.0.2")[0] == 201
    refused = []

    def attack():
        # A different account each time: only the address limit (20 free failures) can stop it.
        for i in range(40):
            status, body, response = request(server, "POST", "/api/v1/sessions",
                                             {"username": f"target{i}", "password": "password guess"})
            if status == 429:
                refused.append((body, response.getheader("Retry-After")))
                return
            assert status == 401

    attacker = threading.Thread(target=attack)
    attacker.start()
    status, body, _ = request(server, "POST", "/api/v1/sessions", {"username": "neighbour", "password": "signs in fine"},
                              source="127.0.0.2")
    attacker.join()
    assert status == 201 and body["token"], "another address signs in during the attack"
    assert refused, "the guessing address was slowed"
    body, retry_after = refused[0]
    assert body["error"]["code"] == "too_many_attempts" and "network address" in body["error"]["message"]
    assert int(retry_after) >= 1
    # From the attacker's address even the right password waits; elsewhere it does not.
    assert request(server, "POST", "/api/v1/sessions", {"username": "neighbour", "password": "signs in fine"})[0] == 429


def test_a_greedy_client_does_not_keep_another_from_connecting(server):
    ws_url = server.replace("http://", "ws://") + "/api/v1/connect"
    hello = encode_client({"type": "hello", "version": 1, "token": ""})

    def outcome(ws):
        """'welcome', or the close code."""
        try:
            ws.send(hello)
            for t, payload in split_frame(ws.recv(timeout=5)):
                if decode_server_payload(t, payload)["type"] == "welcome":
                    return "welcome"
        except Exception:
            return ws.close_code
        return None

    greedy = []
    for _ in range(30):
        ws = connect(ws_url, source_address=("127.0.0.1", 0))
        greedy.append((ws, outcome(ws)))
    results = [r for _, r in greedy]
    assert results.count(4029) >= 20, results
    assert results.count("welcome") <= 10, results
    with connect(ws_url, source_address=("127.0.0.2", 0)) as other:
        assert outcome(other) == "welcome", "the other client's share is untouched"
    for ws, _ in greedy:
        ws.close()
