"""Writes Tests/Fixtures/privacy/vault-vectors.json with Python's `cryptography` as an independent
implementation of the life-log vault format (PBKDF2-SHA256 -> AES-256-GCM, AAD bitgoeul-lifelog-v1).
Swift, the browser (WebCrypto) and tests_py all check these vectors."""
import base64, json, sys
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

AAD = b"bitgoeul-lifelog-v1"
b64 = lambda b: base64.b64encode(b).decode()

def seal(plaintext: bytes, passphrase: str, salt: bytes, nonce: bytes, iterations: int) -> dict:
    key = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=iterations).derive(passphrase.encode())
    return {"format": "bitgoeul-lifelog", "version": 1,
            "kdf": {"name": "PBKDF2-SHA256", "iterations": iterations, "salt": b64(salt)},
            "cipher": {"name": "AES-256-GCM", "nonce": b64(nonce)},
            "ciphertext": b64(AESGCM(key).encrypt(nonce, plaintext, AAD))}

cases = [
    ("correct horse battery staple", bytes(range(16)), bytes(range(100, 112)),
     {"entries": [{"kind": "visit", "at": 1795838400000, "space": "gwangju/acc-plaza", "title": "ACC plaza"}]}),
    ("빛고을 부캐 비밀문장 🌅", bytes(range(200, 232)), bytes(range(12)),
     {"entries": [{"kind": "exhibition", "at": 1795842000000, "space": "gwangju/gmap", "title": "G.MAP 미디어아트"},
                  {"kind": "tourStop", "at": 1795842300000, "space": "gwangju/gmap", "title": "Dancing Lights"}]}),
    ("short", b"\xff" * 16, b"\x00" * 12, {"entries": []}),
]
vectors = []
for passphrase, salt, nonce, log in cases:
    plaintext = json.dumps(log, ensure_ascii=False, separators=(",", ":")).encode()
    vectors.append({"passphrase": passphrase, "plaintext": plaintext.decode(),
                    "envelope": seal(plaintext, passphrase, salt, nonce, 600_000)})
out = sys.argv[1] if len(sys.argv) > 1 else "Tests/Fixtures/privacy/vault-vectors.json"
with open(out, "w") as f:
    json.dump({"about": __doc__.strip(), "vectors": vectors}, f, ensure_ascii=False, indent=1)
    f.write("\n")
