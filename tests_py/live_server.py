"""Starting a real `bitgoeul serve` on a free port for the Python and browser tests."""
import contextlib
import os
import pathlib
import subprocess
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
# BITGOEUL_BINARY runs the suites against another build (e.g. an older one, to see a test fail there).
BINARY = pathlib.Path(os.environ.get("BITGOEUL_BINARY", ROOT / ".build/debug/bitgoeul"))


@contextlib.contextmanager
def live_server(*args, data=None, log=None, log_level="warning"):
    """Yields the server's base URL (http://127.0.0.1:PORT); extra `serve` arguments may follow.

    `data` is the data directory (a fresh temporary one when None); with `log` (a path) the server's log goes
    there instead of the test's stderr."""
    if not BINARY.exists():
        raise AssertionError(f"{BINARY} is missing: run `swift build` first (make test does)")
    data = data or tempfile.mkdtemp(prefix="bitgoeul-pytest-")
    log_file = open(log, "w", encoding="utf-8") if log else None
    proc = subprocess.Popen([str(BINARY), "serve", "--port", "0", "--data", data, "--log-level", log_level, *args],
                            stdout=subprocess.PIPE, stderr=log_file, text=True)
    try:
        line = proc.stdout.readline()
        assert "://" in line, line
        yield line.strip().split(" on ")[-1].rstrip("/")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if log_file:
            log_file.close()
