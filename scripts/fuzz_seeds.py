"""Writes the fuzzing seed corpus, Fuzz/Corpus/<target>/, from data already in the repository:
the protocol vectors, the shipped scenarios and manifests, Yeouido's GeoJSON cut to a few buildings,
a small GLB, a cut of the artwork catalogue, the vault vectors, a small backup archive, and travel tickets,
a well-known document and a peers file.

Run it again when those inputs change; the seeds are committed so `make fuzz` needs nothing else."""
import hashlib
import io
import json
import pathlib
import re
import subprocess
import sys
import tarfile
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
CORPUS = ROOT / "Fuzz" / "Corpus"


def write(target, name, data):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def wire():
    for path in sorted((ROOT / "Tests/Fixtures/protocol").glob("*.json")):
        write("FuzzWire", path.stem, bytes.fromhex(json.loads(path.read_text())["hex"]))


def scenarios():
    for path in sorted((ROOT / "scenarios").rglob("*.toml")):
        text = path.read_text()
        write("FuzzScenario", f"{path.parent.name}-{path.name}", text)
        for i, wkt in enumerate(re.findall(r'"((?:MULTI)?POLYGON[^"]*)"', text)):
            write("FuzzWKT", f"{path.stem}-{i}", wkt)


def manifests():
    for path in sorted((ROOT / "worlds").glob("*/spaces/*/space.json")):
        write("FuzzManifest", f"{path.parent.parent.parent.name}-{path.parent.name}.json", path.read_bytes())
    for path in sorted((ROOT / "Tests/Fixtures/worlds").glob("*/spaces/*/space.json")):
        write("FuzzManifest", f"fixture-{path.parent.name}.json", path.read_bytes())


def geojson():
    collection = json.loads((SHARED / "buildings/seoul_yeouido_buildings_osm.geojson").read_text())
    features = [f for f in collection["features"] if f.get("geometry")]
    for i, cut in enumerate([features[:3], features[10:13], [f for f in features if f["geometry"]["type"] != "Polygon"][:2]]):
        write("FuzzGeoJSON", f"yeouido-{i}.geojson",
              json.dumps({"type": "FeatureCollection", "features": cut}, ensure_ascii=False))


def glb(binary):
    """A GLB of three Yeouido buildings, written by `bitgoeul import geojson` into a scratch world."""
    with tempfile.TemporaryDirectory() as tmp:
        world = pathlib.Path(tmp) / "seoul"
        (world / "spaces/yeouido").mkdir(parents=True)
        (world / "region.json").write_text(json.dumps({"format": 1, "id": "seoul", "name": {"ko": "서울", "en": "Seoul"},
                                                       "spaces": ["yeouido"]}))
        (world / "spaces/yeouido/space.json").write_bytes((ROOT / "worlds/seoul/spaces/yeouido/space.json").read_bytes())
        source = pathlib.Path(tmp) / "cut.geojson"
        source.write_bytes((CORPUS / "FuzzGeoJSON/yeouido-0.geojson").read_bytes())
        subprocess.run([str(binary), "import", "geojson", str(source), "--world", str(world), "--space", "yeouido"],
                       check=True, capture_output=True)
        write("FuzzGLB", "yeouido-3-buildings.glb", (world / "spaces/yeouido/buildings.glb").read_bytes())


def catalogue():
    full = json.loads((SHARED / "artworks/tate_media_and_korean_artworks_cc0.json").read_text())
    cut = dict(full, artworks=full["artworks"][:4])
    write("FuzzCatalogue", "tate-4.json", json.dumps(cut, ensure_ascii=False))


def vault():
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    for i, v in enumerate(json.loads((ROOT / "Tests/Fixtures/privacy/vault-vectors.json").read_text())["vectors"]):
        write("FuzzVault", f"vector-{i}.json", json.dumps(v["envelope"]))
    # One that the fuzz target's fixed key (32 bytes of 7) opens, so the open path is reached too.
    import base64
    nonce = bytes(12)
    sealed = AESGCM(bytes([7] * 32)).encrypt(nonce, b'{"entries":[]}', b"bitgoeul-lifelog-v1")
    envelope = {"format": "bitgoeul-lifelog", "version": 1,
                "kdf": {"name": "PBKDF2-SHA256", "iterations": 600000, "salt": base64.b64encode(bytes(16)).decode()},
                "cipher": {"name": "AES-256-GCM", "nonce": base64.b64encode(nonce).decode()},
                "ciphertext": base64.b64encode(sealed).decode()}
    write("FuzzVault", "opens-with-fuzz-key.json", json.dumps(envelope))


def federation():
    """Travel tickets (the vectors; mode byte 0), a well-known document (1) and a peers file (2)."""
    vectors = json.loads((ROOT / "Tests/Fixtures/federation/vectors.json").read_text())
    for ticket in vectors["tickets"]:
        write("FuzzFederation", f"ticket-{ticket['name']}", b"\x00" + ticket["ticket"].encode())
    known = {"id": "gwangju.example", "name": "광주", "protocolVersion": 1, "time": 1790064000,
             "keys": [{"key": vectors["tickets"][0]["issuerPublicKey"], "validFrom": 0}],
             "entryPoints": [{"id": "gwangju/acc-plaza", "name": {"ko": "광장", "en": "Plaza"}}],
             "place": {"latitude": 35.147, "longitude": 126.92}}
    write("FuzzFederation", "well-known", b"\x01" + json.dumps(known, ensure_ascii=False).encode())
    peers = ('[[peer]]\nid = "gwangju.example"\nname = "광주 Gwangju"\nurl = "http://127.0.0.1:8080"\n'
             f'keys = ["{vectors["tickets"][0]["issuerPublicKey"]}"]\naccept_visitors = true\nsend_travellers = false\n')
    write("FuzzFederation", "peers", b"\x02" + peers.encode())


def missions():
    """The shipped mission files (mode byte 0) and a walk of fixes to the ACC (1: 32 bytes a fix)."""
    import struct
    for f in sorted((ROOT / "worlds/gwangju/missions").glob("*.json")):
        write("FuzzMissions", f"mission-{f.stem}", b"\x00" + f.read_bytes())
    walk = b"".join(struct.pack("<4d", 35.14743 - (60 - 2 * s) / 111320, 126.919358, 8.0, 1791601200.0 + s)
                    for s in range(40))
    write("FuzzMissions", "walk", b"\x01" + walk)


def backup():
    """A small archive in the backup layout (its database is a stand-in, so restore stops at the check)."""
    files = {"bitgoeul.sqlite": b"SQLite format 3\x00" + bytes(100), "transparency-ed25519.key": b"a2V5\n",
             "solar/seoul/yeouido/result.json": b'{"buildings":[]}'}
    manifest = {"format": 1, "createdAt": "2026-11-29T00:00:00Z",
                "files": [{"path": p, "bytes": len(d), "sha256": hashlib.sha256(d).hexdigest()} for p, d in files.items()]}
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for path, data in list(files.items()) + [("MANIFEST.json", json.dumps(manifest).encode())]:
            info = tarfile.TarInfo(path)
            info.size, info.mode, info.mtime = len(data), 0o600, 1795900000
            tar.addfile(info, io.BytesIO(data))
    write("FuzzBackup", "small-backup.tar", buffer.getvalue())


if __name__ == "__main__":
    binary = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / ".build/debug/bitgoeul"
    wire()
    scenarios()
    manifests()
    geojson()
    glb(binary)
    catalogue()
    vault()
    backup()
    federation()
    missions()
    for folder in sorted(CORPUS.iterdir()):
        print(f"{folder.name}: {len(list(folder.iterdir()))} seeds")
