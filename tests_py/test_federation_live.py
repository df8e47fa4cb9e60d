"""Three real cities on loopback (docs/federation.md): a Gwangju persona walks through the ACC portal to Daegu,
is seen there with the visiting mark, chats, goes on to Jeju and home; Daegu bans them while Jeju still admits
them; defederation sends visitors home; bad tickets are refused. The servers run once for the module."""
import base64
import json
import os
import sqlite3
import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from websockets.exceptions import ConnectionClosed

from bitgoeul_protocol import CLOSE_DEFEDERATED, CLOSE_TRAVEL_REFUSED, FLAG_VISITOR
from federation_cities import (Client, call, enter_home, sign_up, step_into, three_cities, ticket, visit)


@pytest.fixture(scope="module")
def cities():
    with three_cities() as running:
        yield running


@pytest.fixture(scope="module")
def minji(cities):
    """A Gwangju citizen with a persona: (token, persona id, session)."""
    return sign_up(cities["gwangju"], "minji", "민지")


def rows(city, sql):
    with sqlite3.connect(f"file:{city.data / 'bitgoeul.sqlite'}?mode=ro", uri=True) as db:
        return db.execute(sql).fetchall()


def refusal(c, timeout=5.0):
    """The close code and reason that end `c`."""
    try:
        c.wait_for(lambda m: False, timeout)
    except ConnectionClosed as closed:
        return closed.rcvd.code, closed.rcvd.reason
    raise AssertionError("the connection stayed open")


def b64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def forge(city, claims, key=None):
    """A travel ticket for `claims`, signed with `city`'s own key (or `key`)."""
    if key is None:
        ring = json.loads((city.data / "federation-keys.json").read_text())
        key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(ring["keys"][0]["key"]))
    body = json.dumps(claims, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return "bt1." + b64url(body) + "." + b64url(key.sign(b"bitgoeul-travel-v1\n" + body))


def claims_for(home, destination, space, **changes):
    now = int(time.time())
    claims = {"v": 1, "typ": "travel", "iss": home.id, "aud": destination.id, "sub": "forgedvisitor",
              "name": "나그네", "appearance": {"accessory": "none", "bodyShape": "regular", "primaryColor": "#1d4e89",
                                            "secondaryColor": "#2d2d2d", "skinColor": "#e0b89a"},
              "lang": "ko", "space": space, "iat": now, "exp": now + 60, "nonce": os.urandom(16).hex()}
    claims.update(changes)
    return claims


def arrive_with(city, ticket_text):
    c = Client.to(city)
    c.send({"type": "visit", "version": 1, "ticket": ticket_text})
    return c


def test_a_persona_travels_gwangju_daegu_jeju_and_home(cities, minji):
    gwangju, daegu, jeju = cities["gwangju"], cities["daegu"], cities["jeju"]
    token, persona, session = minji
    resident_token, resident_persona, _ = sign_up(daegu, "daegu-local", "동성로")
    resident = enter_home(daegu, resident_token, resident_persona)

    home = enter_home(gwangju, token, persona)
    travel = step_into(home, "gwangju", "to-daegu")
    assert travel == {"type": "travel", "city": daegu.id, "space": daegu.space}
    body = ticket(gwangju, token, persona, travel["city"], travel["space"])
    assert body["page"] == daegu.base + "/space.html" and body["url"].endswith("/api/v1/connect")
    home.close()
    there, welcome, visiting, joined = visit(body)
    assert welcome["guest"] is False and joined["space"] == daegu.space
    assert visiting == {"type": "visiting", "home": gwangju.id, "homeName": gwangju.name, "homeUrl": gwangju.base}

    # The Daegu resident sees 민지 marked as visiting from Gwangju, and hears her.
    seen = resident.wait_for(lambda m: m["type"] == "snapshot" and any(e["name"] == "민지" for e in m["enters"]))
    mark = next(e for e in seen["enters"] if e["name"] == "민지")
    assert mark["flags"] & FLAG_VISITOR and mark["home"] == gwangju.name
    there.send({"type": "chat", "scope": 1, "text": "대구는 처음이에요"})
    said = resident.wait_for(lambda m: m["type"] == "chat")
    assert said["name"] == "민지" and said["text"] == "대구는 처음이에요"

    # On to Jeju: Daegu's portal says where; the ticket comes from home again.
    travel = step_into(there, "daegu", "to-jeju")
    assert travel == {"type": "travel", "city": jeju.id, "space": jeju.space}
    there.close()
    on, _, _, joined = visit(ticket(gwangju, token, persona, travel["city"], travel["space"]))
    assert joined["space"] == jeju.space

    # And home: Jeju's portal leads to Gwangju, where she simply signs in again.
    travel = step_into(on, "jeju", "to-gwangju")
    assert travel == {"type": "travel", "city": gwangju.id, "space": gwangju.space}
    on.close()
    back = enter_home(gwangju, token, persona)
    assert back.seen[1]["type"] == "joined" or any(m["type"] == "joined" for m in back.seen)
    back.close()
    resident.close()

    # Daegu and Jeju keep an account for a pseudonym only: no Gwangju username, id or session.
    for city in (daegu, jeju):
        stored = city.sqlite_bytes()
        assert b"minji" not in stored and session["token"].encode() not in stored
    daegu_names = [r[0] for r in rows(daegu, "SELECT username FROM account WHERE username LIKE '~%'")]
    jeju_names = [r[0] for r in rows(jeju, "SELECT username FROM account WHERE username LIKE '~%'")]
    assert len(daegu_names) == 1 and len(jeju_names) == 1
    assert daegu_names[0].endswith("@gwangju.example") and jeju_names[0].endswith("@gwangju.example")
    assert daegu_names[0] != jeju_names[0], "the two cities cannot link their visitors"
    assert str(session["accountId"]) not in daegu_names[0] + jeju_names[0]
    assert rows(daegu, "SELECT COUNT(*) FROM session")[0][0] == 1  # the resident's own


def test_daegu_bans_the_pseudonym_while_jeju_still_admits(cities, minji):
    gwangju, daegu, jeju = cities["gwangju"], cities["daegu"], cities["jeju"]
    token, persona, _ = minji
    _, _, moderator = sign_up(daegu, "daegu-mod", "대구지킴이")
    reporter_token, reporter_persona, _ = sign_up(daegu, "daegu-reporter", "신고자")
    with sqlite3.connect(daegu.data / "bitgoeul.sqlite") as db:
        db.execute("INSERT INTO space_role (account_id, space, role) VALUES (?, '*', 'moderator')",
                   (moderator["accountId"],))
    reporter = enter_home(daegu, reporter_token, reporter_persona)
    visitor, _, _, _ = visit(ticket(gwangju, token, persona, daegu.id, daegu.space))
    entity = reporter.wait_for(
        lambda m: m["type"] == "snapshot" and any(e["name"] == "민지" for e in m["enters"]))
    target = next(e["id"] for e in entity["enters"] if e["name"] == "민지")
    reporter.send({"type": "report", "entityId": target, "category": 0, "block": False, "note": "followed me"})
    reporter.wait_for(lambda m: m["type"] == "notice" and "report" in m["text"].lower())
    status, reports = call(daegu.base, "GET", "/api/v1/moderation/reports", token=moderator["token"])
    assert status == 200, reports
    report = reports["reports"][0]
    status, action = call(daegu.base, "POST", "/api/v1/moderation/actions",
                          {"reportId": report["id"], "kind": "ban", "reason": "following people"},
                          moderator["token"])
    assert status == 201, action
    code, _ = refusal(visitor)
    assert code == 4010  # ended: the ban reached the open connection
    again = arrive_with(daegu, ticket(gwangju, token, persona, daegu.id, daegu.space)["ticket"])
    code, reason = refusal(again)
    assert code == CLOSE_TRAVEL_REFUSED and "barred" in reason
    # Jeju has its own rules: she is welcome there.
    welcome, _, _, joined = visit(ticket(gwangju, token, persona, jeju.id, jeju.space))
    assert joined["space"] == jeju.space
    welcome.close()
    reporter.close()


def test_bad_tickets_are_refused_with_a_reason(cities, minji):
    gwangju, daegu, jeju = cities["gwangju"], cities["daegu"], cities["jeju"]
    token, persona, _ = minji
    good = ticket(gwangju, token, persona, jeju.id, jeju.space)["ticket"]
    body, signature = good[4:].split(".")
    cases = {
        "forged": "bt1." + body + "." + b64url(bytes(64)),
        "for another city": ticket(gwangju, token, persona, daegu.id, daegu.space)["ticket"],
        "expired": forge(gwangju, claims_for(gwangju, jeju, jeju.space, iat=int(time.time()) - 200,
                                             exp=int(time.time()) - 140)),
        "issued in the future": forge(gwangju, claims_for(gwangju, jeju, jeju.space, iat=int(time.time()) + 100,
                                                          exp=int(time.time()) + 160)),
        "too long a life": forge(gwangju, claims_for(gwangju, jeju, jeju.space, exp=int(time.time()) + 3600)),
        "an unknown city": forge(gwangju, claims_for(gwangju, jeju, jeju.space, iss="busan.example"),
                                 key=Ed25519PrivateKey.generate()),
        "malformed": "bt1.not-a-ticket",
        "not even a ticket": "hello",
    }
    expected = {"forged": "not signed", "for another city": "is for 'daegu.example'", "expired": "expired",
                "issued in the future": "expired", "too long a life": "expired",
                "an unknown city": "not a city this one federates with", "malformed": "cannot be read",
                "not even a ticket": "not a Bitgoeul travel ticket"}
    for name, text in cases.items():
        code, reason = refusal(arrive_with(jeju, text))
        assert code == CLOSE_TRAVEL_REFUSED and expected[name] in reason, (name, code, reason)
    # Used once: the first arrival gets in, the replay is refused.
    first, _, _, _ = visit({"url": jeju.base.replace("http", "ws") + "/api/v1/connect", "ticket": good})
    code, reason = refusal(arrive_with(jeju, good))
    assert code == CLOSE_TRAVEL_REFUSED and "used before" in reason
    first.close()
    # Oversized: more than the protocol's 4096 bytes is a protocol error, and no one gets in.
    big = arrive_with(jeju, "bt1." + "A" * 5000)
    error = big.wait_type("error")
    assert "visit.ticket" in error["message"]
    big.close()
    # A flood: each address opens only so many connections a second (4029), and each peer's tickets are
    # taken at most 50 a second (the Swift suite times that one); the city carries on either way.
    now = int(time.time())
    verdicts = []
    flood = []
    for _ in range(60):
        try:
            flood.append(arrive_with(daegu, forge(gwangju, claims_for(gwangju, daegu, daegu.space, iat=now,
                                                                      exp=now + 60, sub="flood"))))
        except ConnectionClosed as closed:
            verdicts.append(closed.rcvd.reason)
    for c in flood:
        try:
            c.wait_type("welcome", timeout=5)
            verdicts.append("admitted")
            c.close()
        except ConnectionClosed as closed:
            verdicts.append(closed.rcvd.reason)
    assert "admitted" in verdicts and any("too many" in v for v in verdicts), set(verdicts)
    time.sleep(1.1)
    later, _, _, _ = visit(ticket(gwangju, token, persona, jeju.id, jeju.space))
    later.close()
    status, _ = call(daegu.base, "GET", "/.well-known/bitgoeul")
    assert status == 200


def test_defederation_sends_visitors_home_without_a_restart(cities, minji):
    gwangju, jeju = cities["gwangju"], cities["jeju"]
    token, persona, _ = minji
    visitor, _, visiting, _ = visit(ticket(gwangju, token, persona, jeju.id, jeju.space))
    jeju.write_peers(jeju.entries, refuse={"gwangju"})
    jeju.reload()
    code, reason = refusal(visitor)
    assert code == CLOSE_DEFEDERATED and "go home" in reason and visiting["homeUrl"] == gwangju.base
    # Home still lists Jeju, so it issues the ticket; Jeju no longer takes it.
    code, reason = refusal(arrive_with(jeju, ticket(gwangju, token, persona, jeju.id, jeju.space)["ticket"]))
    assert code == CLOSE_TRAVEL_REFUSED and "does not take visitors" in reason
    jeju.write_peers(jeju.entries)
    jeju.reload()
    time.sleep(0.3)
    welcome, _, _, _ = visit(ticket(gwangju, token, persona, jeju.id, jeju.space))
    welcome.close()


def test_the_cities_map_and_a_peer_that_is_down(cities, minji):
    gwangju, daegu = cities["gwangju"], cities["daegu"]
    token, persona, _ = minji
    status, listed = call(gwangju.base, "GET", "/api/v1/travel/cities")
    assert status == 200 and listed["me"]["id"] == gwangju.id
    assert {c["id"] for c in listed["cities"]} == {"daegu.example", "jeju.example"}
    status, known = call(daegu.base, "GET", "/.well-known/bitgoeul")
    assert known["place"]["latitude"] > 35.8 and known["entryPoints"][0]["id"] == daegu.space
    status, body = call(gwangju.base, "POST", "/api/v1/travel/tickets",
                        {"personaId": persona, "city": daegu.id, "space": "daegu/nowhere"}, token)
    assert status == 404 and body["error"]["code"] == "unknown_space"
    # Daegu goes down: a traveller's connection fails at once (the client says so), and once Gwangju has
    # looked (each 30 s, or now after SIGHUP) its ticket endpoint says so too; Gwangju's own world carries on.
    daegu.proc.terminate()
    daegu.proc.wait(timeout=10)
    with pytest.raises(OSError):
        Client.to(daegu)
    gwangju.reload()
    time.sleep(1.0)
    status, body = call(gwangju.base, "POST", "/api/v1/travel/tickets",
                        {"personaId": persona, "city": daegu.id, "space": daegu.space}, token)
    assert status == 503 and "cannot be reached" in body["error"]["message"]
    home = enter_home(gwangju, token, persona)
    home.close()
