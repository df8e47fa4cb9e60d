"""Runs the same crowd in JuPedSim (PyPI `jupedsim`, its collision-free speed model) as `bitgoeul simulate`.

Reads the scenario's walkable WKT, exit and the starting agents that `bitgoeul simulate --agents-csv`
wrote, so both simulators start from identical agents, and prints one JSON line:
evacuation time, mean exit time, agent steps and agent-steps per second.
"""
import argparse
import csv
import json
import time
import tomllib

import jupedsim as jps
import shapely.wkt


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario")
    parser.add_argument("agents_csv")
    args = parser.parse_args()
    with open(args.scenario, "rb") as f:
        scenario = tomllib.load(f)
    walkable = shapely.wkt.loads(scenario["geometry"]["walkable"])
    dt = scenario["model"].get("dt", 0.01)
    max_time = scenario.get("run", {}).get("max_time", 600)
    social = scenario["model"].get("name") == "social-force"
    model = jps.SocialForceModel() if social else jps.CollisionFreeSpeedModel()
    sim = jps.Simulation(model=model, geometry=walkable, dt=dt)
    journeys = {}
    for exit_ in scenario["exits"]:
        area = shapely.wkt.loads(exit_["area"])
        stage = sim.add_exit_stage(list(area.exterior.coords)[:-1])
        journeys[exit_["id"]] = (sim.add_journey(jps.JourneyDescription([stage])), stage)
    with open(args.agents_csv) as f:
        for row in csv.DictReader(f):
            journey, stage = journeys[row["goal"]]
            position = (float(row["x"]), float(row["y"]))
            if social:
                parameters = jps.SocialForceModelAgentParameters(
                    journey_id=journey, stage_id=stage, position=position, desired_speed=float(row["v0"]),
                    radius=float(row["radius"]))
            else:
                parameters = jps.CollisionFreeSpeedModelAgentParameters(
                    journey_id=journey, stage_id=stage, position=position, desired_speed=float(row["v0"]),
                    radius=float(row["radius"]), time_gap=float(row["time_gap"]))
            sim.add_agent(parameters)
    agents = sim.agent_count()
    steps = 0
    exit_sum = 0.0
    start = time.perf_counter()
    while sim.agent_count() > 0 and sim.elapsed_time() < max_time:
        before = sim.agent_count()
        steps += before
        sim.iterate()
        exit_sum += (before - sim.agent_count()) * sim.elapsed_time()
    wall = time.perf_counter() - start
    exited = agents - sim.agent_count()
    print(json.dumps({
        "simulator": "jupedsim " + jps.__version__, "agents": agents, "exited": exited,
        "evacuation_time_s": sim.elapsed_time() if sim.agent_count() == 0 else None,
        "mean_exit_time_s": exit_sum / exited if exited else None, "agent_steps": steps, "wall_s": wall,
        "agent_steps_per_s": steps / wall if wall > 0 else 0}))


if __name__ == "__main__":
    main()
