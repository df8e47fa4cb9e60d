"""The HTTP API fuzzed from its own contract: schemathesis reads the live server's /openapi.json,
generates requests (examples, boundary values, random and stateful sequences) and checks every
answer: no 5xx, every status code and body as documented, bad input refused, authentication
enforced, undeclared methods answered 405. Signed in as an owner of every space, so the
role-guarded operations are reached too."""
import json
import os
import pathlib
import sqlite3
import subprocess
import tempfile
import urllib.request

from live_server import ROOT, live_server

VENV_BIN = pathlib.Path(os.sys.executable).parent
EXAMPLES = os.environ.get("CONTRACT_EXAMPLES", "25")


def post(base, path, body, token=None):
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST", headers=headers)
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"null")


def test_every_operation_keeps_its_documented_contract():
    data = tempfile.mkdtemp(prefix="bitgoeul-contract-")
    with live_server("--world", str(ROOT / "worlds/gwangju"), "--web", "/nonexistent",
                     "--password-iterations", "1000", data=data) as base:
        post(base, "/api/v1/accounts", {"username": "contract", "password": "contract pass 2026"})
        session = post(base, "/api/v1/sessions", {"username": "contract", "password": "contract pass 2026"})
        with sqlite3.connect(os.path.join(data, "bitgoeul.sqlite")) as db:
            db.execute("INSERT INTO space_role (account_id, space, role) VALUES (?, '*', 'owner')",
                       (session["accountId"],))
        post(base, "/api/v1/personas", {"name": "Contract Walker"}, session["token"])
        report = ROOT / ".build/schemathesis"
        env = dict(os.environ, SCHEMATHESIS_HOOKS="contract_hooks",
                   PYTHONPATH=str(ROOT / "tests_py") + os.pathsep + os.environ.get("PYTHONPATH", ""))
        result = subprocess.run(
            [str(VENV_BIN / "schemathesis"), "run", base + "/openapi.json",
             "-H", f"Authorization: Bearer {session['token']}",
             # A valid-looking body can still be refused for what the schema cannot say (a space
             # that does not exist, a date range that ends before it starts): that check is left out.
             "--checks", "all", "--exclude-checks", "positive_data_acceptance",
             "--max-examples", EXAMPLES, "--seed", "2026", "--workers", "2", "--no-shrink",
             # Signing out or erasing the test's own account would end the run's authority.
             "--exclude-operation-id", "signOut", "--exclude-operation-id", "eraseMe",
             "--exclude-operation-id", "connect",
             "--report", "junit", "--report-dir", str(report)],
            capture_output=True, text=True, env=env, timeout=900, cwd=data)  # its caches stay out of the repo
        summary = result.stdout[result.stdout.rfind("SUMMARY"):] if "SUMMARY" in result.stdout else result.stdout[-3000:]
        assert result.returncode == 0, result.stdout[-12000:] + result.stderr[-2000:]
        assert "Tested:" in summary, summary
