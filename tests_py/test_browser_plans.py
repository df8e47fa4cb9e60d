"""Plans in headless Chromium (docs/planning.md): a citizen enters Yeouido with a persona, opens the plans panel and
picks the Yeouido tower proposal. Its effects are computed by the server while the citizen walks: on today's layer to a
spot in front of the tower's lot (screenshot: no tower) and into the lot, which is free today. Switched to the plan, the
tower is drawn and the server moves the avatar out of its footprint (screenshot: the tower); walking at it again stops
at its wall. Back on today's layer the lot is walkable again. The figures name kWh; a comment is posted and listed; a
vote of support makes the tally 1. No page logs an error.

Paths are planned here on a 2 m grid around the space's building footprints (worlds/seoul/spaces/yeouido/footprints.json,
what the server's movement authority uses today) and the proposal's changes as the API gives them, then walked with the
page's own click-to-walk (window.bitgoeul.walkTo), running."""
import heapq
import json
import math
import tempfile
import time

import numpy as np
import pytest
import shapely
from selenium.webdriver.common.by import By
from shapely.geometry import LineString, Point, Polygon
from shapely.ops import nearest_points, unary_union

from live_server import live_server
from test_browser import ROOT, browser, call, wait_for

SHOTS = ROOT / "var/screenshots"
SPACE = "seoul/yeouido"
PROPOSAL = "yeouido-tower"
TOWER = "tower"  # its add_building change
API = f"/api/v1/spaces/{SPACE}/proposals"
FOOTPRINTS = ROOT / "worlds/seoul/spaces/yeouido/footprints.json"
EN = json.loads((ROOT / "Web/locales/en.json").read_text(encoding="utf-8"))

CELL_M = 2.0
# Paths keep this far from walls (the avatar's radius is 0.25 m; the rest absorbs prediction and grid error).
CLEARANCE_M = 1.5
# The spot the screenshots are taken from: this far in front of the tower's footprint.
VIEW_M = 15.0
# The spot walked to in the lot: this far inside the footprint, near enough its edge for the server to find a free
# place close by when the plan puts a wall there.
LOT_DEPTH_M = 3.0

DATA = tempfile.mkdtemp(prefix="bitgoeul-plans-")


@pytest.fixture(scope="module")
def server():
    with live_server(
        "--world", str(ROOT / "worlds/seoul"), "--web", str(ROOT / "Web"), "--planning-quality", "draft", data=DATA
    ) as base:
        yield base


def sign_up(base, username, persona_name):
    """A new account with one persona: its session token and the persona's id."""
    password = "plans for the city 2026"
    call(base, "POST", "/api/v1/accounts", {"username": username, "password": password})
    token = call(base, "POST", "/api/v1/sessions", {"username": username, "password": password})["token"]
    persona = call(base, "POST", "/api/v1/personas", {"name": persona_name}, token)
    return token, persona["id"]


def severe(driver):
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


# --- Geometry: the walls of a layer, and a path through the free space between them ---

def walls(rings):
    """The area a walker's path must keep out of: the footprints grown by the clearance."""
    return unary_union([Polygon(r).buffer(0) for r in rings if len(r) >= 3]).buffer(CLEARANCE_M)


def layer_walls(today_rings, view, proposed):
    """Today's footprints; on the proposed layer less the removed buildings, plus the new walls and closed areas."""
    if not proposed:
        return walls(today_rings)
    removed = removed_centroids(view)
    kept = [r for r in today_rings
            if not any(Polygon(r).buffer(0).distance(Point(c)) < 0.01 for c in removed)]
    added = [c["ring"] for c in view["changes"] if c["kind"] in ("add_building", "add_model", "close_area")]
    return walls(kept + added)


def removed_centroids(view):
    """The centroids (in the space's frame) of the buildings the proposal removes, from the space's buildings.json: a
    footprint holding one is a removed building's."""
    ids = {i for c in view["changes"] if c["kind"] == "remove_buildings" for i in c["ids"]}
    buildings = json.loads((ROOT / "worlds/seoul/spaces/yeouido/buildings.json").read_text())["buildings"]
    return [(b["centroid"]["e"], b["centroid"]["n"]) for b in buildings if b["id"] in ids]


def plan_path(start, goal, blocked, pad_m=80.0):
    """Waypoints from `start` to `goal` that keep out of `blocked`: A* on a grid, then straightened."""
    x0, y0 = min(start[0], goal[0]) - pad_m, min(start[1], goal[1]) - pad_m
    cols = int((max(start[0], goal[0]) + pad_m - x0) / CELL_M) + 1
    rows = int((max(start[1], goal[1]) + pad_m - y0) / CELL_M) + 1
    gx, gy = np.meshgrid(x0 + (np.arange(cols) + 0.5) * CELL_M, y0 + (np.arange(rows) + 0.5) * CELL_M)
    shapely.prepare(blocked)
    free = ~shapely.intersects_xy(blocked, gx, gy)

    def cell(p):
        c, r = int((p[0] - x0) / CELL_M), int((p[1] - y0) / CELL_M)
        # The nearest free cell, for a point on the clearance's edge.
        best = min(((abs(dc) + abs(dr), c + dc, r + dr) for dc in range(-4, 5) for dr in range(-4, 5)
                    if 0 <= c + dc < cols and 0 <= r + dr < rows and free[r + dr, c + dc]), default=None)
        assert best, f"no free cell near {p}"
        return best[1], best[2]

    def centre(c, r):
        return (x0 + (c + 0.5) * CELL_M, y0 + (r + 0.5) * CELL_M)

    begin, end = cell(start), cell(goal)
    came, cost, queue = {begin: None}, {begin: 0.0}, [(0.0, begin)]
    while queue:
        _, here = heapq.heappop(queue)
        if here == end:
            break
        c, r = here
        for dc, dr in [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (1, -1), (-1, 1), (-1, -1)]:
            n = (c + dc, r + dr)
            if not (0 <= n[0] < cols and 0 <= n[1] < rows) or not free[n[1], n[0]]:
                continue
            if dc and dr and not (free[r, c + dc] and free[r + dr, c]):
                continue
            step = math.hypot(dc, dr)
            if cost[here] + step < cost.get(n, math.inf):
                cost[n] = cost[here] + step
                came[n] = here
                heapq.heappush(queue, (cost[n] + math.hypot(end[0] - n[0], end[1] - n[1]), n))
    assert end in came, f"no path from {start} to {goal}"
    cells = []
    at = end
    while at is not None:
        cells.append(centre(*at))
        at = came[at]
    points = [tuple(start)] + cells[::-1][1:-1] + [tuple(goal)]
    # Straighten: from each point, go to the farthest one in plain sight.
    out, i = [points[0]], 0
    while i < len(points) - 1:
        j = len(points) - 1
        while j > i + 1 and LineString([points[i], points[j]]).intersects(blocked):
            j -= 1
        out.append(points[j])
        i = j
    return out[1:]


def inside(ring, p, margin=0.0):
    """Whether p lies inside the ring, deeper than `margin`."""
    polygon = Polygon(ring)
    return polygon.contains(Point(p)) and polygon.exterior.distance(Point(p)) > margin


# --- Driving the page ---

def position(d):
    return tuple(d.execute_script("const s = window.bitgoeul.self; return [s.x, s.y]"))


def authority(d):
    """Where the server's latest snapshot put the avatar."""
    return tuple(d.execute_script("const a = window.bitgoeul.authority; return [a.x, a.y]"))


def walk(d, waypoints):
    """Runs through each waypoint with the page's click-to-walk, waiting until the server has the avatar there."""
    for x, y in waypoints:
        here = authority(d)
        d.execute_script(f"window.bitgoeul.walkTo({x}, {y}, true)")
        # Running is 3.8 m/s, but a slow software-rendered page moves less per frame (at most 0.1 s a frame).
        timeout = math.hypot(x - here[0], y - here[1]) / 0.8 + 30
        wait_for(d, f"const a = window.bitgoeul.authority, s = window.bitgoeul.self;"
                    f" return Math.hypot(a.x - {x}, a.y - {y}) < 1.5 && Math.hypot(s.x - {x}, s.y - {y}) < 1.5", timeout)


def face(d, target):
    d.execute_script(f"window.bitgoeul.face({target[0]}, {target[1]})")
    time.sleep(2.0)  # the camera eases in behind


def switch_layer(d, proposed):
    toggle = d.find_element(By.ID, "plan-toggle")
    if toggle.is_selected() != proposed:
        toggle.click()
    layer = "proposed" if proposed else "today"
    wait_for(d, f"const l = window.bitgoeul.layer; return l.layer === '{layer}' && l.confirmed", 15)
    assert d.find_element(By.ID, "plan-toggle").get_attribute("data-layer") == layer


def screenshot(d, name):
    """The view without the panel over it, saved as var/screenshots/<name>."""
    d.find_element(By.ID, "plans-button").click()
    wait_for(d, "return document.getElementById('plans-panel').hidden", 5)
    time.sleep(0.5)
    signature = view_signature(d)
    d.save_screenshot(str(SHOTS / name))
    d.find_element(By.ID, "plans-button").click()
    wait_for(d, "return !document.getElementById('plans-panel').hidden", 5)
    return signature


def view_signature(d):
    """The view shrunk to 64 × 40 pixels (RGBA), to tell two screenshots apart."""
    return np.array(d.execute_script("""
        const c = document.querySelector('canvas');
        const g = document.createElement('canvas'); g.width = 64; g.height = 40;
        const x = g.getContext('2d'); x.drawImage(c, 0, 0, 64, 40);
        return Array.from(x.getImageData(0, 0, 64, 40).data);"""), dtype=float)


def test_a_citizen_walks_the_tower_plan_reads_its_effects_comments_and_votes(server):
    token, persona = sign_up(server, "planwalker", "계획산책")
    view = call(server, "GET", f"{API}/{PROPOSAL}")
    assert view["state"] == "open", f"the scenario votes and comments: the proposal must be open, not {view['state']}"
    tower = next(c for c in view["changes"] if c["kind"] == "add_building" and c["id"] == TOWER)["ring"]
    today_rings = json.loads(FOOTPRINTS.read_text())
    today = layer_walls(today_rings, view, proposed=False)
    proposed = layer_walls(today_rings, view, proposed=True)
    lot = Polygon(tower).buffer(-LOT_DEPTH_M).difference(today)
    assert not lot.is_empty, "the tower's lot is free today"

    d = browser()
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        d.get(server + "/persona.html?lang=en")
        d.execute_script(f"localStorage.setItem('bitgoeul.token', {json.dumps(token)})")
        d.get(server + f"/space.html?space={SPACE}&persona={persona}&lang=en")
        wait_for(d, f"return window.bitgoeul && window.bitgoeul.joined && window.bitgoeul.joined.space === '{SPACE}'", 20)
        # Yeouido's buildings are drawn (the plan hides those it removes among them).
        wait_for(d, "return window.bitgoeul.proposalLayer.buildings().size > 500", 30)

        # The panel: the space's proposals; the tower's, with its effects computed meanwhile.
        d.find_element(By.ID, "plans-button").click()
        assert d.find_element(By.ID, "plans-panel").is_displayed()
        choose = f"#plans-list button[data-proposal='{PROPOSAL}']"
        wait_for(d, f"return !!document.querySelector({json.dumps(choose)})", 10)
        d.find_element(By.CSS_SELECTOR, choose).click()
        wait_for(d, "return !document.getElementById('plan-detail').hidden && !!document.getElementById('plan-toggle')", 10)
        assert d.find_element(By.ID, "plan-title").text == view["title"]["en"]
        assert d.find_element(By.ID, "plan-toggle").get_attribute("data-layer") == "today"
        assert d.execute_script("return window.bitgoeul.layer.layer") == "today"

        # Today: run to the spot in front of the lot, and look at it. No tower is drawn.
        start = authority(d)
        # The place in the lot to walk to: free today, a few metres inside the footprint, on the side towards us.
        target = nearest_points(lot, Point(start))[0].coords[0]
        path = [start] + plan_path(start, target, today)
        # The spot to look from: on the path's last leg (in plain sight of the lot, clear of today's buildings), VIEW_M
        # from the footprint where the leg is that long.
        leg = LineString(path[-2:])
        spot = path[-2]
        for back in range(int(leg.length) + 1):
            p = leg.interpolate(leg.length - back).coords[0]
            if Polygon(tower).exterior.distance(Point(p)) >= VIEW_M and not Polygon(tower).contains(Point(p)):
                spot = p
                break
        assert Polygon(tower).exterior.distance(Point(spot)) >= 5, f"a spot in front of the lot: {spot}"
        walk(d, plan_path(start, spot, today))
        face(d, target)
        assert d.execute_script("return window.bitgoeul.proposalLayer.drawn()") == []
        today_view = screenshot(d, "plans-today.png")

        # Today the lot is free: the avatar walks into it.
        walk(d, plan_path(spot, target, today))
        assert inside(tower, authority(d), margin=0.5), f"in the lot today: {authority(d)}"

        # The figures, once the effects are done: the sun the roofs lose, in kWh.
        wait_for(d, "return document.getElementById('plan-figures').dataset.state === 'done'", 300)
        assert "kWh" in d.find_element(By.ID, "plan-figures").text
        assert d.find_elements(By.CSS_SELECTOR, "#plan-figures table.plan-roofs tbody tr"), "the roofs that lose most"

        # The plan: the tower is drawn and the server moves the avatar out of its footprint.
        switch_layer(d, proposed=True)
        assert TOWER in d.execute_script("return window.bitgoeul.proposalLayer.drawn()")
        removed = [i for c in view["changes"] if c["kind"] == "remove_buildings" for i in c["ids"]]
        assert d.execute_script("const b = window.bitgoeul.proposalLayer.buildings();"
                                f" return {json.dumps(removed)}.every((id) => b.get(id)?.visible === false)"), removed
        deadline = time.time() + 5
        while inside(tower, authority(d)) and time.time() < deadline:
            time.sleep(0.1)
        assert not inside(tower, authority(d)), f"moved out of the tower: {authority(d)}"
        walk(d, plan_path(authority(d), spot, proposed))
        face(d, target)
        proposed_view = screenshot(d, "plans-proposed.png")
        difference = np.abs(proposed_view - today_view).mean()
        assert difference > 3, f"the tower changes the view from the same spot: mean difference {difference:.1f}"

        # Walking at the tower stops at its wall: the server never lets the avatar into the footprint.
        d.execute_script(f"window.bitgoeul.walkTo({target[0]}, {target[1]}, true)")
        seen = []
        until = time.time() + 10
        while time.time() < until:
            seen.append(authority(d))
            time.sleep(0.2)
        d.execute_script(f"window.bitgoeul.face({target[0]}, {target[1]})")
        assert not any(inside(tower, p, margin=0.05) for p in seen), "never inside the tower"
        wall = Polygon(tower).exterior.distance(Point(seen[-1]))
        assert wall < 3, f"stopped at the wall, {wall:.1f} m from it"
        assert math.hypot(seen[-1][0] - spot[0], seen[-1][1] - spot[1]) > 5, "it did walk towards the tower"

        # Back to today: the lot is walkable again.
        switch_layer(d, proposed=False)
        assert d.execute_script("return window.bitgoeul.proposalLayer.drawn()") == []
        walk(d, plan_path(authority(d), target, today))
        assert inside(tower, authority(d), margin=0.5), f"in the lot again today: {authority(d)}"

        # A comment, listed with its author's actions (edit within 10 minutes).
        text = "여의도 타워의 겨울 그림자가 걱정됩니다. Worried about the winter shadow."
        box = d.find_element(By.ID, "plan-comment-text")
        box.send_keys(text)
        assert d.find_element(By.ID, "plan-comment-count").text.startswith(f"{len(text)} / 1000")
        d.find_element(By.ID, "plan-comment-send").click()
        mine = ("[...document.querySelectorAll('#plan-comments li.plan-comment')]"
                f".find((li) => li.querySelector('.plan-comment-text')?.textContent === {json.dumps(text)})")
        wait_for(d, f"return !!{mine}", 10)
        assert d.execute_script(f"return {mine}.dataset.id"), "the comment's id"
        assert d.execute_script(f"return !!{mine}.querySelector('button[data-action=edit]')"), "editable by its author"
        assert d.find_element(By.ID, "plan-comment-text").get_attribute("value") == ""

        # Support: the tally is 1, and the button shows the stance taken.
        d.find_element(By.ID, "plan-support").click()
        wait_for(d, "return document.getElementById('plan-tally').dataset.support === '1'", 10)
        assert d.find_element(By.ID, "plan-support").get_attribute("aria-pressed") == "true"
        assert d.find_element(By.ID, "plan-tally").text == EN["planTally"].format(support=1, oppose=0)
        assert call(server, "GET", f"{API}/{PROPOSAL}")["tally"]["support"] == 1
        d.save_screenshot(str(SHOTS / "plans-panel.png"))

        assert severe(d) == []
    finally:
        d.quit()
