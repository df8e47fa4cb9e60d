"""Travel tickets and pairwise pseudonyms (docs/federation.md) checked with `cryptography`,
independently of the Swift code that made the vectors in Tests/Fixtures/federation."""
import base64
import hashlib
import hmac
import json
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

VECTORS = json.loads(
    (Path(__file__).resolve().parent.parent / "Tests/Fixtures/federation/vectors.json").read_text("utf-8"))
LEEWAY_S = 30
LIFETIME_MAX_S = 60


def b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def pseudonym(secret: bytes, account: int, destination: str) -> str:
    message = b"bitgoeul-pseudonym-v1\n" + destination.encode() + b"\n" + str(account).encode()
    code = hmac.new(secret, message, hashlib.sha256).digest()[:16]
    return base64.b32encode(code).decode().rstrip("=").lower()


def verdict(vector: dict, audience: str) -> str:
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(vector["issuerSeedHex"])).public_key()
    raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert raw == b64url(vector["issuerPublicKey"])
    prefix, body, signature = vector["ticket"].split(".")
    assert prefix == "bt1"
    claims_bytes = b64url(body)
    try:
        key.verify(b64url(signature), b"bitgoeul-travel-v1\n" + claims_bytes)
    except InvalidSignature:
        return "forged"
    claims = json.loads(claims_bytes)
    assert claims["typ"] == "travel" and claims["v"] == 1
    if claims["aud"] != audience:
        return "wrongServer"
    now = vector["now"]
    if not (0 < claims["exp"] - claims["iat"] <= LIFETIME_MAX_S and claims["iat"] <= now + LEEWAY_S
            and now <= claims["exp"] + LEEWAY_S):
        return "expired"
    return "ok"


def test_pseudonyms_match_and_are_pairwise():
    seen = set()
    for v in VECTORS["pseudonyms"]:
        assert pseudonym(bytes.fromhex(v["secretHex"]), v["account"], v["destination"]) == v["pseudonym"]
        seen.add(v["pseudonym"])
    assert len(seen) == len(VECTORS["pseudonyms"]), "a different pseudonym per destination and account"


def test_tickets_verify_as_the_swift_server_decides():
    assert {v["name"] for v in VECTORS["tickets"]} >= {"good", "forged", "wrong-audience", "expired"}
    for v in VECTORS["tickets"]:
        assert verdict(v, "daegu.example") == v["verdict"], v["name"]


def test_a_ticket_carries_only_what_the_destination_needs():
    good = next(v for v in VECTORS["tickets"] if v["name"] == "good")
    claims = json.loads(b64url(good["ticket"].split(".")[1]))
    assert set(claims) == {"v", "typ", "iss", "aud", "sub", "name", "appearance", "lang", "space", "iat", "exp",
                           "nonce"}
    assert claims["sub"] == pseudonym(bytes([7] * 32), 42, "daegu.example")
