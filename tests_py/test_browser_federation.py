"""The trip of tests_py/test_federation_live.py in headless Chromium: Gwangju's landing page shows the cities of
the federation; a signed-in persona walks into the ACC plaza's portal to Daegu and lands on Daegu's page as a
visitor, seen there with the visiting mark by a Daegu guest and heard; goes on to Jeju (by way of home, as the
ticket comes from home) and comes home from Jeju's menu. No page logs an error."""
import json
import time

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from federation_cities import call, sign_up, three_cities
from test_browser import SHOTS, browser, wait_for


@pytest.fixture(scope="module")
def cities():
    with three_cities(web=True) as running:
        # Each city looks at the others again after the SIGHUP three_cities sends; wait until all are seen up.
        for _ in range(40):
            seen = [c["status"] for city in running.values()
                    for c in call(city.base, "GET", "/api/v1/travel/cities")[1]["cities"]]
            if all(s == "up" for s in seen):
                break
            time.sleep(0.25)
        yield running


def severe(driver):
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def at(driver, city):
    wait_for(driver, f"return location.href.startsWith({json.dumps(city.base)}) && window.bitgoeul"
                     " && window.bitgoeul.joined", 20)


def choose_in_menu(driver, selector):
    driver.execute_script(f"""const s = document.getElementById('teleport');
        const o = s.querySelector({json.dumps(selector)}); o.selected = true; s.dispatchEvent(new Event('change'));""")


def test_a_persona_walks_to_daegu_goes_on_to_jeju_and_home_in_the_browser(cities):
    gwangju, daegu, jeju = cities["gwangju"], cities["daegu"], cities["jeju"]
    token, persona, _ = sign_up(gwangju, "minji", "민지")
    d, other = browser(), browser()
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        d.get(gwangju.base + "/?lang=en")
        wait_for(d, "return !document.getElementById('federation').hidden"
                    " && document.querySelectorAll('#cities li').length === 3", 20)
        listed = d.find_element("id", "cities").text
        assert "Daegu" in listed and "Jeju" in listed
        d.save_screenshot(str(SHOTS / "federation.png"))
        assert severe(d) == []

        d.execute_script(f"localStorage.setItem('bitgoeul.token', {json.dumps(token)})")
        d.get(gwangju.base + f"/space.html?space=gwangju/acc-plaza&persona={persona}&lang=en")
        at(d, gwangju)
        # Run (Shift+W, as a person would) into the portal to Daegu at (-12, -35), aiming at it as we go.
        d.execute_script("""const s = window.bitgoeul.self;
          window.__aim = setInterval(() => { s.heading = Math.atan2(-35 - s.y, -12 - s.x); }, 50);""")
        ActionChains(d).key_down(Keys.SHIFT).key_down("w").perform()
        try:
            wait_for(d, f"return location.href.startsWith({json.dumps(daegu.base)})", 30)
        finally:
            ActionChains(d).key_up("w").key_up(Keys.SHIFT).perform()
        at(d, daegu)
        wait_for(d, "return window.bitgoeul.visiting && !document.getElementById('visit').hidden", 10)
        assert d.execute_script("return location.hash") == "", "the ticket does not stay in the address"
        assert "Gwangju" in d.find_element("id", "visit").text
        assert severe(d) == []

        # A guest in Daegu sees 민지 marked as visiting from Gwangju, and hears her.
        other.get(daegu.base + "/space.html?space=daegu/kim-kwangseok-street&name=Dana&lang=en")
        at(other, daegu)
        wait_for(other, "return [...window.bitgoeul.avatars.entities.values()]"
                        ".some(e => e.name === '민지' && e.home === '광주 Gwangju')", 10)
        d.find_element("id", "text").send_keys("hello from Gwangju\n")
        wait_for(other, "return document.getElementById('log').textContent.includes('hello from Gwangju')", 10)
        assert "Gwangju" in other.find_element("id", "log").text
        other.save_screenshot(str(SHOTS / "federation-visitor.png"))
        assert severe(other) == []

        # On to Jeju from Daegu's menu: the ticket comes from home, so the way leads through Gwangju.
        wait_for(d, "return !!document.querySelector('#teleport option[data-city=\"jeju.example\"]')"
                    " || !!document.querySelector('#teleport option[data-travel=\"home\"]')", 10)
        if d.execute_script("return !!document.querySelector('#teleport option[data-city=\"jeju.example\"]')"):
            choose_in_menu(d, 'option[data-city="jeju.example"]')
        else:
            # A visitor's menu offers home; the portal to Jeju says `travel`, as Daegu's server would.
            d.execute_script("window.bitgoeul.connection.onMessage("
                             "{type: 'travel', city: 'jeju.example', space: 'jeju/arario-tapdong'})")
        at(d, jeju)
        wait_for(d, "return window.bitgoeul.visiting", 10)
        assert severe(d) == []

        # Home from Jeju's menu.
        choose_in_menu(d, 'option[data-travel="home"]')
        at(d, gwangju)
        assert d.execute_script("return window.bitgoeul.visiting") is None
        assert severe(d) == []
    finally:
        d.quit()
        other.quit()
