"""Privacy against independent implementations: Python's `cryptography` opens the vault vectors,
and a from-scratch RFC 6962 check in Python verifies the live server's proofs and signed heads."""
import base64
import hashlib
import json
import pathlib
import subprocess
import tempfile
import urllib.request

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from live_server import BINARY, live_server

ROOT = pathlib.Path(__file__).resolve().parent.parent
VECTORS = json.loads((ROOT / "Tests/Fixtures/privacy/vault-vectors.json").read_text())["vectors"]


def test_python_opens_every_vault_vector():
    for v in VECTORS:
        e = v["envelope"]
        key = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=base64.b64decode(e["kdf"]["salt"]),
                         iterations=e["kdf"]["iterations"]).derive(v["passphrase"].encode())
        plain = AESGCM(key).decrypt(base64.b64decode(e["cipher"]["nonce"]), base64.b64decode(e["ciphertext"]),
                                    b"bitgoeul-lifelog-v1")
        assert plain.decode() == v["plaintext"]


def leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node(a: bytes, b: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + a + b).digest()


def verify_inclusion(h, index, size, proof, root):
    """RFC 9162 section 2.1.3.2, written from the RFC."""
    fn, sn, r = index, size - 1, h
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(m, root_m, n, root_n, proof):
    """RFC 9162 section 2.1.4.2."""
    if m == n:
        return not proof and root_m == root_n
    if m & (m - 1) == 0:
        proof = [root_m] + proof
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        else:
            sr = node(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == root_m and sr == root_n and sn == 0


def call(base, method, path, body=None, token=None):
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(base + path, data=json.dumps(body).encode() if body is not None else None,
                                     method=method, headers=headers)
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"null")


def test_the_servers_transparency_proofs_verify_in_python():
    data = tempfile.mkdtemp(prefix="bitgoeul-privacy-")
    with live_server("--world", str(ROOT / "worlds/gwangju"), data=data) as base:
        call(base, "POST", "/api/v1/accounts", {"username": "logged", "password": "a long password"})
        token = call(base, "POST", "/api/v1/sessions", {"username": "logged", "password": "a long password"})["token"]
        call(base, "POST", "/api/v1/personas", {"name": "Logged One"}, token)
        for case in ["case 1", "case 2", "case 3"]:
            subprocess.run([str(BINARY), "audit", "lookup", "--data", data, "--persona", "Logged One", "--purpose", case],
                           capture_output=True, check=True)
        log = call(base, "GET", "/api/v1/me/access-log", token=token)
        head = log["treeHead"]
        key = Ed25519PublicKey.from_public_bytes(
            base64.b64decode(call(base, "GET", "/api/v1/transparency/key")["publicKey"]))
        message = f"bitgoeul-tree-head-v1\n{head['size']}\n{head['timestamp']}\n{head['rootHash']}\n".encode()
        assert head["signedMessage"].encode() == message
        key.verify(base64.b64decode(head["signature"]), message)  # raises if forged
        root = bytes.fromhex(head["rootHash"])
        assert [json.loads(e["entry"])["purpose"] for e in log["entries"]] == ["case 1", "case 2", "case 3"]
        for e in log["entries"]:
            h = leaf(e["entry"].encode())
            proof = [bytes.fromhex(p) for p in e["inclusionProof"]]
            assert verify_inclusion(h, e["index"], head["size"], proof, root)
            forged = [bytes([proof[0][0] ^ 1]) + proof[0][1:]] + proof[1:] if proof else [b"\x00" * 32]
            assert not verify_inclusion(h, e["index"], head["size"], forged, root)
        # The first head (size 1) is a prefix of the latest: a consistency proof from the server.
        leaves = [leaf(e["entry"].encode()) for e in log["entries"]]
        consistency = call(base, "GET", f"/api/v1/transparency/consistency?first=1&second={head['size']}")
        assert verify_consistency(1, leaves[0], head["size"], root, [bytes.fromhex(p) for p in consistency["proof"]])
        assert not verify_consistency(1, leaf(b"rewritten"), head["size"], root,
                                      [bytes.fromhex(p) for p in consistency["proof"]])
    # The auditor agrees, and finds a changed entry.
    ok = subprocess.run([str(BINARY), "audit", "verify", "--data", data], capture_output=True, text=True)
    assert ok.returncode == 0 and "ok: 3 entries" in ok.stdout
    import sqlite3
    with sqlite3.connect(pathlib.Path(data) / "bitgoeul.sqlite") as db:
        db.execute("DROP TRIGGER access_log_no_update")  # what an intruder with the file could do
        db.execute("UPDATE access_log SET entry = replace(entry, 'case 2', 'case 9') WHERE idx = 1")
    bad = subprocess.run([str(BINARY), "audit", "verify", "--data", data], capture_output=True, text=True)
    assert bad.returncode == 1 and "entry 1" in bad.stdout
