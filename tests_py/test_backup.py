"""`bitgoeul backup` while the server takes writes, then `bitgoeul restore` into a fresh data
directory: the transparency log verifies and every account acknowledged before the backup signs in."""
import json
import subprocess
import tempfile
import threading
import urllib.error
import urllib.request

from live_server import BINARY, ROOT, live_server

WORLD = ("--world", str(ROOT / "Tests/Fixtures/worlds/testland"), "--web", "/nonexistent",
         "--password-iterations", "1000")


def call(base, method, path, body=None, token=None):
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(base + path, data=json.dumps(body).encode() if body is not None else None,
                                     method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read() or b"null")


def sign_up(base, name):
    password = f"{name} password"
    assert call(base, "POST", "/api/v1/accounts", {"username": name, "password": password})[0] == 201
    token = call(base, "POST", "/api/v1/sessions", {"username": name, "password": password})[1]["token"]
    assert call(base, "POST", "/api/v1/personas", {"name": f"Persona {name}"}, token)[0] == 201
    return password, token


def bitgoeul(*args):
    return subprocess.run([str(BINARY), *args], capture_output=True, text=True)


def test_a_backup_under_write_load_restores_with_every_acknowledged_account(tmp_path):
    data = tempfile.mkdtemp(prefix="bitgoeul-backup-live-")
    acknowledged = {}
    written_during = []
    stop = threading.Event()
    with live_server(*WORLD, data=data) as base:
        for i in range(20):
            acknowledged[f"before{i}"], _ = sign_up(base, f"before{i}")
        # Staff looks are on the record: the log the restore must verify has entries and tree heads.
        for i in range(3):
            looked = bitgoeul("audit", "lookup", "--data", data, "--persona", f"Persona before{i}",
                              "--purpose", f"case 2026-{i}")
            assert looked.returncode == 0, looked.stderr

        def load():
            n = 0
            while not stop.is_set():
                sign_up(base, f"during{n}")
                written_during.append(n)
                n += 1

        writer = threading.Thread(target=load)
        writer.start()
        try:
            archive = tmp_path / "bitgoeul-backup.tar"
            made = bitgoeul("backup", "--data", data, "--out", str(archive))
            assert made.returncode == 0, made.stderr
        finally:
            stop.set()
            writer.join()
    assert written_during, "the server took writes while the backup ran"

    restored = tmp_path / "restored"
    done = bitgoeul("restore", "--from", str(archive), "--data", str(restored))
    assert done.returncode == 0, done.stderr
    verified = bitgoeul("audit", "verify", "--data", str(restored))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    with live_server(*WORLD, data=str(restored)) as base:
        for name, password in acknowledged.items():
            status, body = call(base, "POST", "/api/v1/sessions", {"username": name, "password": password})
            assert status == 201 and body["token"], name
    # A restore never lands on an existing data directory.
    again = bitgoeul("restore", "--from", str(archive), "--data", str(restored))
    assert again.returncode != 0 and "not empty" in again.stderr
