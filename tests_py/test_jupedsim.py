"""Side by side with JuPedSim (PyPI), the reference open simulator: same scenario, same starting agents,
same dt. Our collision-free speed model must give evacuation times within ±15 % of JuPedSim's."""
import json
import pathlib
import subprocess
import sys
import tempfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
BINARY = ROOT / ".build/debug/bitgoeul"
TOLERANCE = 0.15


def run_both(scenario, seed, model=None):
    work = pathlib.Path(tempfile.mkdtemp(prefix="jps-"))
    if model:
        text = scenario.read_text().replace('name = "collision-free-speed"', f'name = "{model}"')
        scenario = work / scenario.name
        scenario.write_text(text)
    subprocess.run([str(BINARY), "simulate", str(scenario), "--out", str(work / "out"), "--quiet", "--seed", str(seed),
                    "--agents-csv", str(work / "agents.csv")], check=True, stdout=subprocess.DEVNULL)
    ours = json.loads((work / "out/summary.json").read_text())
    theirs = json.loads(subprocess.run([sys.executable, str(ROOT / "scripts/jupedsim_run.py"), str(scenario),
                                        str(work / "agents.csv")], check=True, capture_output=True, text=True).stdout)
    return ours, theirs


@pytest.mark.parametrize("name,seeds,model", [("room-100m", [1], None), ("bottleneck-1m", [1, 2], None),
                                              ("room-100m", [1], "social-force")])
def test_evacuation_times_agree_with_jupedsim(name, seeds, model):
    """The collision-free speed model on both scenarios; the social force model (an option) in the room."""
    ours_total, theirs_total, ours_mean, theirs_mean = [], [], [], []
    for seed in seeds:
        ours, theirs = run_both(ROOT / f"scenarios/tests/{name}.toml", seed, model)
        assert ours["exited"] == ours["agents"], "everyone got out"
        assert theirs["exited"] == theirs["agents"], f"JuPedSim did not finish: {theirs}"
        ours_total.append(ours["evacuation_time_s"])
        theirs_total.append(theirs["evacuation_time_s"])
        ours_mean.append(ours["mean_exit_time_s"])
        theirs_mean.append(theirs["mean_exit_time_s"])
    total = sum(ours_total) / sum(theirs_total)
    mean = sum(ours_mean) / sum(theirs_mean)
    print(f"{name} {model or 'collision-free-speed'}: evacuation ours {ours_total} JuPedSim {theirs_total} ({total - 1:+.1%}); "
          f"mean exit ours {ours_mean} JuPedSim {theirs_mean} ({mean - 1:+.1%})")
    assert abs(total - 1) <= TOLERANCE
    assert abs(mean - 1) <= TOLERANCE
