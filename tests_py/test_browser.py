"""The web client in a real browser: headless Chromium driven by Selenium against a live server."""
import json
import os
import pathlib
import sqlite3
import tempfile
import time
import urllib.request

import pytest
from live_server import live_server
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHOTS = ROOT / ".build/screenshots"


DATA = tempfile.mkdtemp(prefix="bitgoeul-browser-")


@pytest.fixture(scope="module")
def server():
    with live_server("--world", str(ROOT / "worlds/gwangju"), "--world", str(ROOT / "worlds/seoul"),
                     "--web", str(ROOT / "Web"), "--boundaries", str(ROOT / "worlds/boundaries"), data=DATA) as base:
        yield base


def post(base, path, body):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"null")


browser_arguments = ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--use-gl=angle",
                     "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--window-size=1000,700"]


def browser():
    options = Options()
    for arg in browser_arguments:
        options.add_argument(arg)
    binary = "/usr/bin/chromium"
    if os.path.exists(binary):
        options.binary_location = binary
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def wait_for(driver, script, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for: {script}")


@pytest.fixture(scope="module")
def pair():
    a, b = browser(), browser()
    yield a, b
    a.quit()
    b.quit()


def test_landing_page_lists_spaces_with_plans(server, pair):
    a, _ = pair
    SHOTS.mkdir(parents=True, exist_ok=True)
    a.get(server + "/?lang=en")
    wait_for(a, "return document.querySelectorAll('#spaces li svg').length >= 6")
    a.save_screenshot(str(SHOTS / "landing.png"))
    assert "Yeouido" in a.find_element(By.ID, "spaces").text


def test_two_browsers_see_each_other_chat_and_teleport(server, pair):
    a, b = pair
    a.get(server + "/space.html?space=gwangju/chungjangro&name=Alice&lang=en")
    wait_for(a, "return window.bitgoeul && window.bitgoeul.joined")
    b.get(server + "/space.html?space=gwangju/chungjangro&name=Bora&lang=ko")
    start = time.time()
    wait_for(a, "return window.bitgoeul.avatars.names().includes('Bora')", timeout=3)
    wait_for(b, "return window.bitgoeul && window.bitgoeul.avatars.names().includes('Alice')", timeout=3)
    assert time.time() - start < 3.5
    # Each sees the other in the presence list too.
    wait_for(a, "return document.getElementById('names').textContent.includes('Bora')", timeout=3)
    wait_for(b, "return document.getElementById('names').textContent.includes('Alice')", timeout=3)

    b.find_element(By.ID, "scope").send_keys("공간")
    b.find_element(By.ID, "text").send_keys("안녕하세요 Alice\n")
    wait_for(a, "return document.getElementById('log').textContent.includes('안녕하세요 Alice')")

    # The canvas is really drawn: pixels differ from the sky colour somewhere below the horizon.
    drawn = a.execute_script("""
        const c = document.querySelector('canvas');
        const g = document.createElement('canvas'); g.width = c.width; g.height = c.height;
        const x = g.getContext('2d'); x.drawImage(c, 0, 0);
        const d = x.getImageData(0, Math.floor(c.height * 0.8), c.width, 1).data;
        let differs = 0; for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - 0x9c) + Math.abs(d[i+1] - 0xc6) > 30) differs++;
        return differs;""")
    assert drawn > 100
    a.save_screenshot(str(SHOTS / "space-chungjangro.png"))

    # Click on the ground ahead: the avatar walks there, and the server follows.
    start = a.execute_script("return [window.bitgoeul.self.x, window.bitgoeul.self.y]")
    canvas = a.find_element(By.TAG_NAME, "canvas")
    ActionChains(a).move_to_element_with_offset(canvas, 0, 150).click().perform()
    wait_for(a, f"const s = window.bitgoeul.self; return Math.hypot(s.x - {start[0]}, s.y - {start[1]}) > 1.0", timeout=8)

    alice_id = a.execute_script("return window.bitgoeul.joined.entityId")
    a.execute_script("window.bitgoeul.connection.send({type: 'teleportSpace', space: 'seoul/yeouido'})")
    wait_for(a, "return window.bitgoeul.joined.space === 'seoul/yeouido'")
    wait_for(b, "return !window.bitgoeul.avatars.names().includes('Alice')")
    assert alice_id != a.execute_script("return window.bitgoeul.joined.entityId")
    # Yeouido's buildings are drawn: the loaded meshes exist and the upper half of the view is not all sky.
    wait_for(a, "return document.getElementById('status').textContent.includes('seoul/yeouido')")
    time.sleep(1.0)
    sky_free = a.execute_script("""
        const c = document.querySelector('canvas');
        const g = document.createElement('canvas'); g.width = c.width; g.height = c.height;
        const x = g.getContext('2d'); x.drawImage(c, 0, 0);
        const d = x.getImageData(0, Math.floor(c.height * 0.15), c.width, 1).data;
        let other = 0; for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - 0x9c) + Math.abs(d[i+1] - 0xc6) + Math.abs(d[i+2] - 0xe8) > 40) other++;
        return other;""")
    assert sky_free > 50, "buildings stand against the sky"
    a.save_screenshot(str(SHOTS / "space-yeouido.png"))


def test_persona_editor_makes_a_persona_others_see(server, pair):
    _, watcher = pair  # still in Chungjang-ro as a guest
    c = browser()
    try:
        c.get(server + "/persona.html?lang=ko")
        c.find_element(By.ID, "username").send_keys("hana")
        c.find_element(By.ID, "password").send_keys("광주 빛고을 2026")
        c.find_element(By.ID, "register").click()
        wait_for(c, "return !document.getElementById('editor').hidden")
        c.find_element(By.ID, "name").send_keys("하나")
        c.execute_script("""
            document.getElementById('accessory').value = 'hat';
            const colour = document.getElementById('primaryColor');
            colour.value = '#c0392b'; colour.dispatchEvent(new Event('input'));""")
        c.find_element(By.CSS_SELECTOR, "#persona button").click()
        wait_for(c, "return document.getElementById('personas').textContent.includes('하나')")
        time.sleep(0.5)
        c.save_screenshot(str(SHOTS / "persona-editor.png"))
        c.find_element(By.CSS_SELECTOR, "#personas a").click()
        wait_for(c, "return window.bitgoeul && window.bitgoeul.joined && window.bitgoeul.joined.space === 'gwangju/chungjangro'")
        wait_for(watcher, "return window.bitgoeul.avatars.names().includes('하나')", timeout=3)
        # The teleport menu's map: choosing the Biennale hall takes the persona there.
        c.find_element(By.CSS_SELECTOR, "#mapbox summary").click()
        wait_for(c, "return document.querySelectorAll('#overview g[role=button]').length >= 5")
        place = c.find_element(By.CSS_SELECTOR, "#overview g[aria-label*='Biennale'], #overview g[aria-label*='비엔날레']")
        ActionChains(c).move_to_element(place).click().perform()
        wait_for(c, "return window.bitgoeul.joined.space === 'gwangju/biennale'")
    finally:
        c.quit()


def test_report_and_block_from_the_menu_then_a_moderator_acts(server):
    d, e = browser(), browser()
    try:
        d.get(server + "/space.html?space=gwangju/gmap&name=Dami&lang=en")
        wait_for(d, "return window.bitgoeul && window.bitgoeul.joined")
        e.get(server + "/space.html?space=gwangju/gmap&name=Eun&lang=ko")
        wait_for(d, "return !!document.querySelector('#names button[data-entity]')")
        # The presence list has a menu on each other person; it is a keyboard-operable dialog.
        d.find_element(By.CSS_SELECTOR, "#presence summary").click()
        d.find_element(By.CSS_SELECTOR, "#names button[data-entity]").click()
        wait_for(d, "return document.getElementById('person-menu').open")
        d.save_screenshot(str(SHOTS / "person-menu.png"))
        d.find_element(By.CSS_SELECTOR, "#person-menu button[data-action=report]").click()
        d.find_element(By.ID, "report-category").send_keys("Threat")
        d.find_element(By.ID, "report-note").send_keys("threatened me in chat")
        d.find_element(By.ID, "report-block").click()
        d.find_element(By.ID, "report-send").click()
        wait_for(d, "return document.getElementById('log').textContent.includes('report #')")
        # Report-and-block: each vanishes for the other.
        wait_for(d, "return !window.bitgoeul.avatars.names().includes('Eun')")
        wait_for(e, "return !window.bitgoeul.avatars.names().includes('Dami')")
        wait_for(d, "return !document.getElementById('names').textContent.includes('Eun')", timeout=5)

        # A moderator of G.MAP sees the report with its evidence and warns.
        post(server, "/api/v1/accounts", {"username": "gmapmod", "password": "moderate kindly 2026"})
        session = post(server, "/api/v1/sessions", {"username": "gmapmod", "password": "moderate kindly 2026"})
        with sqlite3.connect(os.path.join(DATA, "bitgoeul.sqlite")) as db:
            db.execute("INSERT INTO space_role (account_id, space, role) VALUES (?, 'gwangju/gmap', 'moderator')",
                       (session["accountId"],))
        m = browser()
        try:
            m.get(server + "/moderation.html?lang=en")
            m.execute_script(f"localStorage.setItem('bitgoeul.token', '{session['token']}')")
            m.get(server + "/moderation.html?lang=en")
            wait_for(m, "return document.querySelectorAll('#reports article').length === 1")
            assert "Eun" in m.find_element(By.ID, "reports").text
            assert "threatened me" in m.find_element(By.ID, "reports").text
            # The queue holds no evidence; opening it is one logged look.
            assert not m.find_elements(By.CSS_SELECTOR, "#reports .evidence")
            m.find_element(By.CSS_SELECTOR, "#reports button[id^=open-]").click()
            wait_for(m, "return document.querySelectorAll('#reports .evidence svg').length === 1")
            m.save_screenshot(str(SHOTS / "moderation.png"))
            m.find_element(By.CSS_SELECTOR, "#reports select").send_keys("Warn")
            m.find_element(By.CSS_SELECTOR, "#reports input[type=text]").send_keys("please be kind")
            m.find_element(By.CSS_SELECTOR, "#reports form button").click()
            wait_for(m, "return document.querySelectorAll('#reports article').length === 0")
        finally:
            m.quit()
        # Dami changes the boundary setting; the choice is kept for the next visit.
        d.find_element(By.ID, "boundary").send_keys("On for everyone")
        assert d.execute_script("return localStorage.getItem('bitgoeul.boundary')") == "1"
    finally:
        d.quit()
        e.quit()


CROWD = """
[model]
dt = 0.01
[geometry]
space = "gwangju/chungjangro"
clip = "POLYGON ((-60 -8, 60 -8, 60 8, -60 8, -60 -8))"
[[exits]]
id = "east"
area = "POLYGON ((58 -8, 60 -8, 60 8, 58 8, 58 -8))"
[[groups]]
count = 300
area = "POLYGON ((-30 -7, 0 -7, 0 7, -30 7, -30 -7))"
placement = "random"
goal = "east"
[run]
max_time = 600
"""


def test_digital_humans_walk_chungjangro_with_a_density_overlay(server):
    post(server, "/api/v1/accounts", {"username": "cityowner", "password": "digital twin 2026"})
    session = post(server, "/api/v1/sessions", {"username": "cityowner", "password": "digital twin 2026"})
    with sqlite3.connect(os.path.join(DATA, "bitgoeul.sqlite")) as db:
        db.execute("INSERT INTO space_role (account_id, space, role) VALUES (?, '*', 'owner')", (session["accountId"],))
    request = urllib.request.Request(server + "/api/v1/spaces/gwangju/chungjangro/simulations", data=CROWD.encode(),
                                     method="POST", headers={"Authorization": f"Bearer {session['token']}",
                                                                     "Content-Type": "application/toml"})
    with urllib.request.urlopen(request) as response:
        assert response.status == 201
    v = browser()
    try:
        v.get(server + "/space.html?space=gwangju/chungjangro&name=Watcher&lang=en")
        wait_for(v, "return window.bitgoeul && window.bitgoeul.joined")
        wait_for(v, "return window.bitgoeul.avatars.simulatedCount() >= 30")
        v.find_element(By.ID, "density").click()
        wait_for(v, "return window.bitgoeul.crowdOverlay.meshes.size === 1", timeout=6)
        time.sleep(0.5)
        v.save_screenshot(str(SHOTS / "digital-humans.png"))
        # Digital humans are not people: not in the presence list.
        assert "digital human" not in v.find_element(By.ID, "names").get_attribute("textContent")
    finally:
        v.quit()


def test_an_artwork_panel_near_a_work_and_the_docent_answers(server):
    g = browser()
    try:
        g.get(server + "/space.html?space=gwangju/bitgoeul-art-space&name=Gallerygoer&lang=ko")
        wait_for(g, "return window.bitgoeul && window.bitgoeul.joined")
        wait_for(g, "return window.bitgoeul.gallery.works.length === 7")
        # The visitor arrives beside Lee Ufan's Correspondence on the west wall.
        wait_for(g, "return !document.getElementById('artwork').hidden")
        assert g.find_element(By.CSS_SELECTOR, "#artwork h2").text == "Correspondence"
        g.find_element(By.ID, "question").send_keys("이 작품은 누가 만들었나요?\n")
        wait_for(g, "return document.getElementById('answer').textContent.includes('Lee Ufan')")
        g.save_screenshot(str(SHOTS / "docent.png"))
    finally:
        g.quit()


def test_a_visitor_joins_a_docents_tour_from_the_browser(server):
    """Two browsers: a docent starts a tour and announces the work beside them; the visitor joins."""
    post(server, "/api/v1/accounts", {"username": "docentpark", "password": "guide the room 2026"})
    session = post(server, "/api/v1/sessions", {"username": "docentpark", "password": "guide the room 2026"})
    with sqlite3.connect(os.path.join(DATA, "bitgoeul.sqlite")) as db:
        db.execute("INSERT INTO space_role (account_id, space, role) VALUES (?, 'gwangju/bitgoeul-art-space', 'docent')",
                   (session["accountId"],))
    request = urllib.request.Request(server + "/api/v1/personas", data=json.dumps({"name": "Docent Park"}).encode(),
                                     method="POST", headers={"Content-Type": "application/json",
                                                             "Authorization": f"Bearer {session['token']}"})
    with urllib.request.urlopen(request) as response:
        persona = json.loads(response.read())
    v, d = browser(), browser()
    try:
        v.get(server + "/space.html?space=gwangju/bitgoeul-art-space&name=Tourist&lang=en")
        wait_for(v, "return window.bitgoeul && window.bitgoeul.joined")
        d.get(server + "/persona.html?lang=en")
        d.execute_script(f"localStorage.setItem('bitgoeul.token', '{session['token']}')")
        d.get(server + f"/space.html?space=gwangju/bitgoeul-art-space&persona={persona['id']}&lang=en")
        wait_for(d, "return window.bitgoeul && window.bitgoeul.joined && window.bitgoeul.gallery.works.length === 7")
        d.find_element(By.ID, "start-tour").click()
        wait_for(d, "return !document.getElementById('announce-stop').hidden")
        wait_for(v, "return [...document.querySelectorAll('#log button')].some(b => b.textContent === 'Join the tour')")
        [b for b in v.find_elements(By.CSS_SELECTOR, "#log button") if b.text == "Join the tour"][0].click()
        wait_for(v, "return document.getElementById('log').textContent.includes('You are on the tour')")
        d.find_element(By.ID, "announce-stop").click()
        wait_for(v, "return document.getElementById('log').textContent.includes('Tour stop: Correspondence — Lee Ufan')")
        v.save_screenshot(str(SHOTS / "tour.png"))
    finally:
        v.quit()
        d.quit()


def call(base, method, path, body=None, token=None):
    """One API call with an optional bearer token; returns the decoded JSON (None for 204)."""
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"null")


def sync_vault(driver, server, token, passphrase, entries):
    """Signs the personas page in with `token`, puts `entries` in this browser's life log and syncs."""
    driver.get(server + "/persona.html?lang=en")
    driver.execute_script(f"localStorage.setItem('bitgoeul.token', '{token}');"
                          f"localStorage.setItem('bitgoeul.lifelog', JSON.stringify({json.dumps(entries)}))")
    driver.get(server + "/persona.html?lang=en")
    wait_for(driver, "return document.getElementById('vault-sync')")
    driver.find_element(By.ID, "vault-passphrase").send_keys(passphrase)
    driver.find_element(By.ID, "vault-sync").click()


def test_lifelog_vault_round_trips_between_swift_and_the_browser(server, tmp_path):
    """Swift seals a life log, the browser opens it with the passphrase, adds its own entries and
    seals it again, Swift opens that; the database never holds the plaintext. The operator's look
    shows, verified, on the person's page; then they erase the account from the browser."""
    import subprocess
    from live_server import BINARY
    user, password, passphrase = "vaultuser", "vault password 2026", "빛고을 timeline passphrase"
    post(server, "/api/v1/accounts", {"username": user, "password": password})
    token = post(server, "/api/v1/sessions", {"username": user, "password": password})["token"]
    call(server, "POST", "/api/v1/personas", {"name": "Vaulter"}, token)
    passfile = tmp_path / "passphrase"
    passfile.write_text(passphrase + "\n")
    plain = tmp_path / "log.json"
    plain.write_text(json.dumps({"entries": [
        {"kind": "visit", "at": 1795838400000, "space": "gwangju/acc-plaza", "title": "Swift-sealed visit"}]}))
    sealed = subprocess.run([str(BINARY), "vault", "seal", "--passphrase-file", str(passfile), "--in", str(plain)],
                            capture_output=True, text=True, check=True).stdout
    assert call(server, "PUT", "/api/v1/me/vault", json.loads(sealed), token)["revision"] == 1
    # An operator looks the account up: on the record, in the log the person reads.
    subprocess.run([str(BINARY), "audit", "lookup", "--data", DATA, "--persona", "Vaulter", "--purpose", "case 2026-17"],
                   capture_output=True, text=True, check=True)

    d = browser()
    try:
        sync_vault(d, server, token, passphrase,
                   [{"kind": "tourStop", "at": 1795842000000, "space": "gwangju/gmap", "title": "Browser tour stop"}])
        wait_for(d, "return document.getElementById('timeline').textContent.includes('Swift-sealed visit')", timeout=30)
        assert "Browser tour stop" in d.find_element(By.ID, "timeline").text
        wait_for(d, "return document.getElementById('vault-status').textContent.includes('revision 2')", timeout=30)
        wait_for(d, "return document.querySelectorAll('#access-list li.verified').length === 1")
        assert "case 2026-17" in d.find_element(By.ID, "access-list").text
        d.save_screenshot(str(SHOTS / "privacy.png"))

        stored = call(server, "GET", "/api/v1/me/vault", token=token)
        assert stored["revision"] == 2
        opened = subprocess.run([str(BINARY), "vault", "open", "--passphrase-file", str(passfile), "--in", "-"],
                                input=json.dumps(stored["vault"]), capture_output=True, text=True, check=True).stdout
        assert {e["title"] for e in json.loads(opened)["entries"]} == {"Swift-sealed visit", "Browser tour stop"}
        with sqlite3.connect(os.path.join(DATA, "bitgoeul.sqlite")) as db:
            dump = "\n".join(db.iterdump())
        for secret in ["Swift-sealed visit", "Browser tour stop", passphrase]:
            assert secret not in dump

        d.find_element(By.ID, "erase-password").send_keys(password)
        d.find_element(By.ID, "erase-sure").click()
        d.find_element(By.ID, "erase").click()
        wait_for(d, "return document.body.textContent.includes('account is erased')")
        assert d.execute_script("return localStorage.getItem('bitgoeul.lifelog')") is None
        with sqlite3.connect(os.path.join(DATA, "bitgoeul.sqlite")) as db:
            dump = "\n".join(db.iterdump())
        assert user not in dump and "Vaulter" not in dump
    finally:
        d.quit()


def test_planners_see_noisy_hourly_visits_and_a_heatmap(server):
    """The statistics page shows a stored release (counts, dwell, ε spent against the day's cap) and
    its heatmap. The release is put in the database the way the server stores one, two days back:
    the running server publishes real hours as they close, and a recent hour may already be taken."""
    hour = int(time.time()) // 3600 * 3600 - 48 * 3600
    release = {"space": "gwangju/acc-plaza", "hourStart": hour, "epsilon": 0.5, "visits": 41.37,
               "dwellMinutesMean": 12.4, "grid": {"originX": -120, "originY": -120, "cellM": 20, "columns": 12, "rows": 12},
               "cells": [{"column": 3, "row": 4, "visitors": 17.2}, {"column": 8, "row": 8, "visitors": 9.6}],
               "scales": {"visits": 5, "dwellMinutes": 600, "heatmapCell": 5}, "threshold": 5, "heatThreshold": 8.9}
    day = time.strftime("%Y-%m-%d", time.gmtime(hour + 9 * 3600))
    with sqlite3.connect(os.path.join(DATA, "bitgoeul.sqlite")) as db:
        db.execute("INSERT INTO stats_release (space, hour_start, release) VALUES (?, ?, ?)",
                   ("gwangju/acc-plaza", hour, json.dumps(release)))
        db.execute("INSERT INTO privacy_budget (space, day, hour_start, epsilon) VALUES (?, ?, ?, 0.5)",
                   ("gwangju/acc-plaza", day, hour))
    d = browser()
    try:
        d.get(server + f"/stats.html?space=gwangju/acc-plaza&lang=en")
        # The page's module sets today's date and its listeners after its first fetches: wait for its
        # first day to be drawn, or the date set below is overwritten (seen on a loaded CI machine).
        wait_for(d, "return document.getElementById('budget').textContent.length > 0")
        d.execute_script(f"document.getElementById('date').value = '{day}';"
                         "document.getElementById('date').dispatchEvent(new Event('change'))")
        wait_for(d, "return document.querySelectorAll('#hours tr').length === 2")
        assert "41" in d.find_element(By.ID, "hours").text and "12.4" in d.find_element(By.ID, "hours").text
        assert "spent 0.50 of 2 on this day" in d.find_element(By.ID, "budget").text
        wait_for(d, "return document.querySelectorAll('#heat rect').length === 2")
        d.save_screenshot(str(SHOTS / "stats.png"))
    finally:
        d.quit()


def test_roofs_are_coloured_by_the_solar_analysis(server):
    """`bitgoeul solar roofs` on Yeouido (coarse points and 3-hour steps, to be quick) written where the server
    serves it; the 3D view colours every analysed building by its class."""
    import subprocess
    from live_server import BINARY
    out = os.path.join(DATA, "solar/seoul/yeouido")
    subprocess.run([str(BINARY), "solar", "roofs", "--world", str(ROOT / "worlds/seoul"), "--space", "seoul/yeouido",
                    "--spacing", "10", "--sky-rays", "16", "--step", "3h", "--out", out], capture_output=True, text=True,
                   check=True)
    served = json.loads(urllib.request.urlopen(server + "/api/v1/spaces/seoul/yeouido/solar").read())
    assert len(served["buildings"]) == 592
    assert {b["class"] for b in served["buildings"]} >= {"excellent", "poor"}
    d = browser()
    try:
        d.get(server + "/space.html?space=seoul/yeouido&name=Sunny&lang=en")
        wait_for(d, "return window.bitgoeul && window.bitgoeul.solar && window.bitgoeul.solar.coloured === 592",
                 timeout=60)
        assert "Roofs coloured" in d.find_element(By.ID, "log").text
        d.save_screenshot(str(SHOTS / "solar.png"))
    finally:
        d.quit()


def test_every_page_in_both_languages_without_a_console_error(server):
    """Each page loads in Korean and English with nothing logged as an error (a failed request counts), and the
    space page speaks its language: a guest is named in it, and one person is "1 person here"."""
    d = browser()
    try:
        for lang, space in [("ko", "gwangju/biennale"), ("en", "gwangju/acc-plaza")]:
            pages = [("/", "return document.querySelectorAll('#spaces li svg').length >= 6"),
                     (f"/space.html?space={space}", "return window.bitgoeul && window.bitgoeul.joined"),
                     ("/persona.html", "return document.getElementById('bodyShape').value === 'regular'"),
                     ("/stats.html", "return document.getElementById('budget').textContent.length > 0"),
                     ("/moderation.html", "return document.getElementById('status').textContent.length > 0")]
            for page, ready in pages:
                if page.startswith("/space"):
                    d.execute_script("sessionStorage.clear()")  # a new guest name, in this language
                d.get(f"{server}{page}{'&' if '?' in page else '?'}lang={lang}")
                wait_for(d, ready, timeout=20)
                if page.startswith("/space"):
                    you = " (나)" if lang == "ko" else " (you)"
                    me = wait_for(d, "return [...document.querySelectorAll('#names li')].map((li) => li.textContent)"
                                     f".find((text) => text.endsWith('{you}'))")
                    assert me.startswith("방문자 " if lang == "ko" else "Visitor "), me
                    if lang == "en":  # nobody else visits this space in these tests
                        wait_for(d, "return document.getElementById('people').textContent === '1 person here'")
                errors = [e["message"] for e in d.get_log("browser") if e["level"] == "SEVERE"]
                assert not errors, (lang, page, errors)
    finally:
        d.quit()
