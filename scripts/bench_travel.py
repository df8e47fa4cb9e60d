#!/usr/bin/env python3
"""Travel between cities against a same-server teleport, on loopback (BENCHMARKS.md, issue 17).

Starts Gwangju, Daegu and Jeju (tests_py/federation_cities.py) with BITGOEUL_BINARY (default the debug build;
use .build/release/bitgoeul for the figures), walks a Gwangju persona to the ACC plaza's portal to Daegu, then
times TRIPS trips of each kind from the client's side:

  federated  stepping into the portal (teleportPortal) -> `travel` -> ticket from home (POST) -> connect to
             Daegu -> `visit` -> the first snapshot there
  teleport   teleportSpace to another space of the same server -> the first snapshot there

Each connection may change spaces once every 2 s (its join bucket), so trips are paced at INTERVAL_S.

    BITGOEUL_BINARY=.build/release/bitgoeul .venv/bin/python scripts/bench_travel.py [TRIPS]
"""
import pathlib
import statistics
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests_py"))
from federation_cities import PORTALS, Client, enter_home, sign_up, three_cities, ticket  # noqa: E402

INTERVAL_S = 2.05


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def report(name, values):
    print(f"{name:10s} n={len(values):3d}  p50 {percentile(values, 50):6.1f} ms  p99 {percentile(values, 99):6.1f} ms  "
          f"mean {statistics.mean(values):6.1f} ms  max {max(values):6.1f} ms")


def main():
    trips = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    with three_cities() as cities:
        gwangju, daegu = cities["gwangju"], cities["daegu"]
        token, persona, _ = sign_up(gwangju, "traveller", "여행자")
        home = enter_home(gwangju, token, persona)
        home.walk_to(*PORTALS[("gwangju", "to-daegu")])
        federated = []
        for _ in range(trips):
            start = time.perf_counter()
            home.send({"type": "teleportPortal", "portalId": "to-daegu"})
            travel = home.wait_type("travel")
            body = ticket(gwangju, token, persona, travel["city"], travel["space"])
            there = Client(body["url"])
            there.send({"type": "visit", "version": 1, "ticket": body["ticket"]})
            there.wait_type("snapshot")
            federated.append((time.perf_counter() - start) * 1000)
            there.close()
            time.sleep(INTERVAL_S)
        teleports = []
        spaces = ["gwangju/biennale", gwangju.space]
        for n in range(trips):
            start = time.perf_counter()
            home.send({"type": "teleportSpace", "space": spaces[n % 2]})
            home.wait_for(lambda m: m["type"] == "joined")
            # `joined` comes in the frame of the first snapshot there: it may have been read with it.
            if home.seen[-1]["type"] != "snapshot":
                home.wait_type("snapshot")
            teleports.append((time.perf_counter() - start) * 1000)
            time.sleep(INTERVAL_S)
        home.close()
        assert daegu.proc.poll() is None
    report("federated", federated)
    report("teleport", teleports)


if __name__ == "__main__":
    main()
