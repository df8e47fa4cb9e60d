#!/usr/bin/env python3
"""Latency of a proposal's view (with its tally) and of its comment listing over HTTP, at a ballot of
--votes and a discussion of --comments (issue 19's benchmark; docs/planning.md).

Starts a release server on the Seoul world in a fresh data directory, signs one citizen up, fills the
ballot and the discussion straight into its SQLite file (ballot rows carry no account, so none are
needed for them), then times sequential GETs from one client.

    .venv/bin/python scripts/bench_planning_http.py [--votes 10000] [--comments 1000] [--requests 300]
"""
import argparse
import json
import os
import pathlib
import sqlite3
import statistics
import sys
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests_py"))
os.environ.setdefault("BITGOEUL_BINARY", str(ROOT / ".build/release/bitgoeul"))
from live_server import live_server  # noqa: E402


def call(base, method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    with urllib.request.urlopen(urllib.request.Request(base + path, data=data, method=method, headers=headers)) as r:
        return json.loads(r.read() or b"null")


def timed(base, path, token, n):
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        call(base, "GET", path, token=token)
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.mean(samples), samples[len(samples) // 2], samples[min(len(samples) - 1, len(samples) * 99 // 100)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--votes", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=300)
    a = parser.parse_args()
    data = tempfile.mkdtemp(prefix="bitgoeul-bench-planning-")
    with live_server("--world", str(ROOT / "worlds/seoul"), "--password-iterations", "1000",
                     "--planning-quality", "draft", data=data) as base:
        call(base, "POST", "/api/v1/accounts", {"username": "bench", "password": "bench password 2026"})
        session = call(base, "POST", "/api/v1/sessions", {"username": "bench", "password": "bench password 2026"})
        token, account = session["token"], session["accountId"]
        persona = call(base, "POST", "/api/v1/personas", {"name": "벤치"}, token)
        with sqlite3.connect(os.path.join(data, "bitgoeul.sqlite")) as db:
            db.executemany("INSERT INTO ballot (proposal, version, voter, stance) VALUES ('yeouido-tower', 1, ?, ?)",
                           [(os.urandom(32), "oppose" if i % 3 == 0 else "support") for i in range(a.votes)])
            rows = []
            for i in range(a.comments):
                parent = (i // 4) * 4 + 1 if i % 4 == 3 else None
                rows.append((parent, account, persona["id"], "의견 " * 40, 1_796_094_000 + i))
            db.executemany("""INSERT INTO proposal_comment (proposal, version, parent, account_id, persona_id, author,
                              planner, text, created_at) VALUES ('yeouido-tower', 1, ?, ?, ?, '벤치', 0, ?, ?)""", rows)
        path = "/api/v1/spaces/seoul/yeouido/proposals/yeouido-tower"
        view = call(base, "GET", path, token=token)
        assert view["tally"]["support"] + view["tally"]["oppose"] == a.votes, view["tally"]
        for _ in range(20):
            call(base, "GET", path, token=token)
        for label, p in [("proposal view with its tally (signed in)", path), ("comment listing", path + "/comments")]:
            mean, p50, p99 = timed(base, p, token, a.requests)
            print(f"{label}: mean {mean:.2f} ms, p50 {p50:.2f} ms, p99 {p99:.2f} ms "
                  f"({a.votes} votes, {a.comments} comments, {a.requests} requests)")


if __name__ == "__main__":
    main()
