"""Agent-steps per second of `bitgoeul simulate` and JuPedSim side by side (same scenario, agents, dt).

A square room with one exit, N agents placed at random by bitgoeul (the same starting crowd is handed
to JuPedSim), both run for --seconds of simulated time at dt = 0.01 s. Prints one JSON line per N.
Usage: .venv/bin/python scripts/sim_bench.py --agents 1000,10000 [--seconds 20] [--binary .build/release/bitgoeul]
"""
import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent


def scenario(n, seconds):
    side = max(100, int((n * 1.0) ** 0.5 * 2))  # about a quarter of the floor occupied
    return f"""[model]
name = "collision-free-speed"
dt = 0.01
[geometry]
walkable = "POLYGON ((0 0, {side} 0, {side} {side}, 0 {side}, 0 0))"
[[exits]]
id = "east"
area = "POLYGON (({side - 1} {side / 2 - 5}, {side} {side / 2 - 5}, {side} {side / 2 + 5}, {side - 1} {side / 2 + 5}, {side - 1} {side / 2 - 5}))"
[[groups]]
count = {n}
area = "POLYGON ((1 1, {side - 10} 1, {side - 10} {side - 1}, 1 {side - 1}, 1 1))"
placement = "random"
speed = {{ mean = 1.34, sd = 0.26 }}
goal = "east"
[run]
max_time = {seconds}
seed = 1
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", default="1000,10000")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--binary", default=str(ROOT / ".build/release/bitgoeul"))
    args = parser.parse_args()
    for n in [int(v) for v in args.agents.split(",")]:
        work = pathlib.Path(tempfile.mkdtemp(prefix="sim-bench-"))
        (work / "s.toml").write_text(scenario(n, args.seconds))
        subprocess.run([args.binary, "simulate", str(work / "s.toml"), "--out", str(work / "out"), "--quiet",
                        "--agents-csv", str(work / "agents.csv")], check=True, stdout=subprocess.DEVNULL)
        ours = json.loads((work / "out/summary.json").read_text())
        theirs = json.loads(subprocess.run([sys.executable, str(ROOT / "scripts/jupedsim_run.py"), str(work / "s.toml"),
                                            str(work / "agents.csv")], check=True, capture_output=True,
                                           text=True).stdout)
        print(json.dumps({"agents": n, "simulated_s": args.seconds,
                          "bitgoeul_agent_steps_per_s": round(ours["agent_steps_per_s"]),
                          "jupedsim_agent_steps_per_s": round(theirs["agent_steps_per_s"]),
                          "ratio": round(ours["agent_steps_per_s"] / theirs["agent_steps_per_s"], 2),
                          "bitgoeul_wall_s": round(ours["wall_s"], 2), "jupedsim_wall_s": round(theirs["wall_s"], 2)}),
              flush=True)


if __name__ == "__main__":
    main()
