"""HTTPS and WSS: a server with a certificate made by openssl here, Chromium trusting exactly that
key, and the life-log vault (WebCrypto needs a secure context) round-tripping over https while a
guest walks in over wss."""
import base64
import hashlib
import json
import ssl
import subprocess
import urllib.request

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from live_server import BINARY, ROOT, live_server
import test_browser
from test_browser import wait_for


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"], check=True, capture_output=True)
    public = x509.load_pem_x509_certificate(cert.read_bytes()).public_key()
    spki = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return cert, key, base64.b64encode(hashlib.sha256(spki).digest()).decode()


@pytest.fixture(scope="module")
def server(certificate):
    cert, key, _ = certificate
    with live_server("--world", str(ROOT / "worlds/gwangju"), "--web", str(ROOT / "Web"),
                     "--tls-cert", str(cert), "--tls-key", str(key), "--password-iterations", "1000") as base:
        yield base


def call(base, cert, method, path, body=None, token=None):
    context = ssl.create_default_context(cafile=str(cert))
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, context=context) as response:
        return json.loads(response.read() or b"null"), response.headers


def test_https_answers_with_hsts_and_plain_http_is_not_served(server, certificate):
    assert server.startswith("https://")
    body, headers = call(server, certificate[0], "GET", "/healthz")
    assert body == {"status": "ok"}
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    with pytest.raises(Exception):
        urllib.request.urlopen(server.replace("https://", "http://") + "/healthz", timeout=5).read()


def test_the_vault_round_trips_in_a_secure_context_over_https_and_wss(server, certificate, tmp_path):
    cert, _, spki = certificate
    user, password, passphrase = "tlsuser", "tls password 2026", "빛고을 over https"
    call(server, cert, "POST", "/api/v1/accounts", {"username": user, "password": password})
    token = call(server, cert, "POST", "/api/v1/sessions", {"username": user, "password": password})[0]["token"]
    call(server, cert, "POST", "/api/v1/personas", {"name": "Secure Walker"}, token)

    original = test_browser.browser_arguments
    test_browser.browser_arguments = original + [f"--ignore-certificate-errors-spki-list={spki}"]
    try:
        d = test_browser.browser()
    finally:
        test_browser.browser_arguments = original
    try:
        d.get(server + "/persona.html?lang=en")
        assert d.execute_script("return window.isSecureContext && !!crypto.subtle")
        test_browser.sync_vault(d, server, token, passphrase,
                                [{"kind": "visit", "at": 1795838400000, "space": "gwangju/gmap",
                                  "title": "Sealed over TLS"}])
        wait_for(d, "return document.getElementById('vault-status').textContent.includes('revision 1')", timeout=30)
        stored = call(server, cert, "GET", "/api/v1/me/vault", token=token)[0]
        passfile = tmp_path / "passphrase"
        passfile.write_text(passphrase + "\n")
        opened = subprocess.run([str(BINARY), "vault", "open", "--passphrase-file", str(passfile), "--in", "-"],
                                input=json.dumps(stored["vault"]), capture_output=True, text=True, check=True).stdout
        assert [e["title"] for e in json.loads(opened)["entries"]] == ["Sealed over TLS"]

        # The 3D view connects over wss to the same host.
        d.get(server + "/space.html?space=gwangju/gmap&name=Tls%20Guest&lang=en")
        wait_for(d, "return window.bitgoeul && window.bitgoeul.joined", timeout=20)
        errors = [e for e in d.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors, [e["message"] for e in errors]
    finally:
        d.quit()


def test_listening_beyond_loopback_without_tls_warns_at_start(tmp_path):
    proc = subprocess.Popen([str(BINARY), "serve", "--host", "0.0.0.0", "--port", "0", "--data", str(tmp_path),
                             "--world", str(ROOT / "worlds/gwangju"), "--web", "/nonexistent",
                             "--log-level", "warning"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "http://0.0.0.0:" in proc.stdout.readline()
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=10)
    assert "without TLS" in stderr and "--tls-cert" in stderr, stderr
