"""Frame time and JS heap of the web client with 64 walking bots around the viewer (headless Chromium).

Usage: .venv/bin/python scripts/web_bench.py [--bots 64] [--seconds 20]
Starts a release server and `bitgoeul bots`, opens the space as a guest, and prints one JSON line.
Headless Chromium renders with SwiftShader (software GL) on the CPU, so frame times are an upper bound.
"""
import argparse
import json
import pathlib
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests_py"))
from test_browser import browser, wait_for  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent
BINARY = ROOT / ".build/release/bitgoeul"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bots", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--space", default="gwangju/acc-plaza")
    args = parser.parse_args()
    data = tempfile.mkdtemp(prefix="bitgoeul-webbench-")
    server = subprocess.Popen([str(BINARY), "serve", "--port", "0", "--data", data, "--log-level", "warning"],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)
    base = server.stdout.readline().strip().split(" on ")[-1].rstrip("/")
    port = base.rsplit(":", 1)[1]
    bots = subprocess.Popen([str(BINARY), "bots", "--url", f"ws://127.0.0.1:{port}", "--space", args.space,
                             "--count", str(args.bots), "--duration", str(args.seconds + 15), "--json"],
                            stdout=subprocess.PIPE, text=True)
    driver = browser()
    try:
        time.sleep(3)
        driver.get(f"{base}/space.html?space={args.space}&name=Viewer&lang=en")
        wait_for(driver, "return window.bitgoeul && window.bitgoeul.joined", timeout=20)
        time.sleep(args.seconds)
        stats = driver.execute_script("return window.bitgoeul.frameStats()")
        stats["bots"] = args.bots
        print(json.dumps(stats, sort_keys=True))
    finally:
        driver.quit()
        bots.terminate()
        server.terminate()


if __name__ == "__main__":
    main()
