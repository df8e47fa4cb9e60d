"""The sun's position from `bitgoeul solar position` against pvlib's NREL SPA (the oracle): within
0.001° in zenith and azimuth at Gwangju, Jeju and Tromsø over a year, sunrise and sunset included."""
import json
import subprocess

import numpy as np
import pandas as pd
import pvlib
import pytest
from live_server import BINARY

SITES = {
    "Gwangju": (35.1595, 126.8526, 50.0),
    "Jeju": (33.4996, 126.5312, 20.0),
    "Tromsø": (69.6492, 18.9553, 10.0),
}


def swift(lat, lon, elevation, times, tmp_path, *extra):
    path = tmp_path / "times.txt"
    path.write_text("\n".join(t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z" for t in times) + "\n")
    out = subprocess.run([str(BINARY), "solar", "position", "--lat", str(lat), "--lon", str(lon), "--elevation",
                          str(elevation), "--times", str(path), *extra], capture_output=True, text=True, check=True)
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    return np.array([r["zenith"] for r in rows]), np.array([r["azimuth"] for r in rows])


def year_grid(lat, lon, elevation):
    """Every hour of every fifth day of 2026, plus one minute either side of each sunrise and sunset."""
    hours = pd.date_range("2026-01-01", "2026-12-31 23:00", freq="h", tz="UTC")
    hours = hours[(hours.day_of_year % 5) == 0]
    days = pd.date_range("2026-01-01", "2026-12-31", freq="5D", tz="UTC")
    events = pvlib.solarposition.sun_rise_set_transit_spa(days, lat, lon)
    edges = []
    for col in ("sunrise", "sunset"):
        for t in events[col].dropna():
            t = pd.Timestamp(t).tz_convert("UTC")
            edges += [t - pd.Timedelta(minutes=1), t + pd.Timedelta(minutes=1)]
    return hours.append(pd.DatetimeIndex(edges)).sort_values()


def azimuth_error(a, b):
    d = np.abs(a - b) % 360
    return np.minimum(d, 360 - d)


@pytest.mark.parametrize("name", SITES)
def test_zenith_and_azimuth_agree_with_pvlib_within_a_thousandth_of_a_degree(name, tmp_path):
    lat, lon, elevation = SITES[name]
    times = year_grid(lat, lon, elevation)
    assert len(times) > 1500
    oracle = pvlib.solarposition.spa_python(times, lat, lon, altitude=elevation, pressure=101325, temperature=12,
                                            delta_t=None)
    zenith, azimuth = swift(lat, lon, elevation, times, tmp_path, "--pressure", "1013.25", "--temperature", "12")
    dz = np.abs(zenith - oracle["apparent_zenith"].to_numpy())
    da = azimuth_error(azimuth, oracle["azimuth"].to_numpy())
    assert dz.max() < 1e-3, f"{name}: zenith differs by up to {dz.max()}°"
    assert da.max() < 1e-3, f"{name}: azimuth differs by up to {da.max()}°"
    # The grid really crosses the horizon both ways.
    elevation_deg = 90 - oracle["apparent_zenith"].to_numpy()
    assert (np.abs(elevation_deg) < 1).sum() >= 50


def test_pressure_temperature_and_delta_t_are_honoured(tmp_path):
    times = pd.date_range("2026-03-20 21:00", periods=48, freq="15min", tz="UTC")  # a Gwangju sunrise
    oracle = pvlib.solarposition.spa_python(times, 35.1595, 126.8526, altitude=0, pressure=95000, temperature=30,
                                            delta_t=69.2)
    zenith, azimuth = swift(35.1595, 126.8526, 0, times, tmp_path, "--pressure", "950", "--temperature", "30",
                            "--delta-t", "69.2")
    assert np.abs(zenith - oracle["apparent_zenith"].to_numpy()).max() < 1e-3
    assert azimuth_error(azimuth, oracle["azimuth"].to_numpy()).max() < 1e-3


@pytest.mark.parametrize("args, message", [
    (["--lat", "91", "--lon", "0", "--time", "2026-01-01T00:00:00Z"], "--lat"),
    (["--lat", "35", "--lon", "190", "--time", "2026-01-01T00:00:00Z"], "--lon"),
    (["--lat", "35", "--lon", "126", "--time", "yesterday at noon"], "not an ISO 8601 time"),
    (["--lat", "35", "--lon", "126", "--time", "2026-01-01T00:00:00"], "not an ISO 8601 time"),
    (["--lat", "35", "--lon", "126", "--time", "7000-01-01T00:00:00Z"], "-2000"),
])
def test_bad_input_is_refused_clearly(args, message):
    out = subprocess.run([str(BINARY), "solar", "position", *args], capture_output=True, text=True)
    assert out.returncode != 0
    assert message.replace("-2000", "2000") in (out.stderr + out.stdout)


ANCHOR = (35.1595, 126.8526)
LINKE = [2.0, 2.0, 2.45, 2.9, 3.55, 3.6, 4.15, 4.2, 3.8, 3.0, 2.35, 2.05]


def synthetic_space(tmp_path, boxes):
    """A world made by the real importer from GeoJSON boxes (e0, n0, e1, n1, height) in metres."""
    lat0, lon0 = ANCHOR
    k = 111_320.0
    features = []
    for i, (e0, n0, e1, n1, h) in enumerate(boxes):
        ring = [(e0, n0), (e1, n0), (e1, n1), (e0, n1), (e0, n0)]
        coords = [[lon0 + e / (k * np.cos(np.radians(lat0))), lat0 + n / k] for e, n in ring]
        features.append({"type": "Feature", "id": f"box/{i}", "properties": {"height": h, "building": "yes"},
                         "geometry": {"type": "Polygon", "coordinates": [coords]}})
    source = tmp_path / "boxes.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    world = tmp_path / "world"
    subprocess.run([str(BINARY), "import", "geojson", str(source), "--world", str(world), "--space", "test",
                    "--origin", f"{lat0},{lon0},0"], capture_output=True, text=True, check=True)
    (world / "spaces/test/solar.json").write_text(json.dumps({"linkeTurbidity": LINKE, "albedo": 0.2}))
    return world


def run_roofs(world, out, *extra):
    done = subprocess.run([str(BINARY), "solar", "roofs", "--world", str(world), "--space", "test", "--out", str(out),
                           *extra], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads((out / "result.json").read_text()), pd.read_csv(out / "points.csv")


def pvlib_year(lat, lon):
    """The oracle's year: mid-hour sun and Ineichen clear sky with the same turbidity."""
    times = pd.date_range("2026-01-01 00:30", "2026-12-31 23:30", freq="h", tz="UTC")
    sun = pvlib.solarposition.spa_python(times, lat, lon, altitude=0, pressure=101325, temperature=12, delta_t=None)
    up = sun["apparent_elevation"] > 0
    am = pvlib.atmosphere.get_absolute_airmass(pvlib.atmosphere.get_relative_airmass(sun["apparent_zenith"]),
                                               pvlib.atmosphere.alt2pres(0))
    tl = pd.Series([LINKE[m - 1] for m in times.month], index=times)
    sky = pvlib.clearsky.ineichen(sun["apparent_zenith"], am, tl, altitude=0,
                                  dni_extra=pvlib.irradiance.get_extra_radiation(times))
    return sun[up], sky[up].fillna(0)


def test_an_open_flat_roof_gets_the_clear_sky_horizontal_irradiation(tmp_path):
    world = synthetic_space(tmp_path, [(-10, -10, 10, 10, 10)])
    result, points = run_roofs(world, tmp_path / "out", "--spacing", "2")
    sun, sky = pvlib_year(*ANCHOR)
    expected = sky["ghi"].sum() / 1000
    roof = result["buildings"][0]
    assert abs(roof["meanKWhPerM2"] / expected - 1) < 0.005, (roof["meanKWhPerM2"], expected)
    assert abs(result["openHorizontalKWhPerM2"] / expected - 1) < 0.005
    assert (points["sky_view"] == 1).all() and (points["sunlit_share"] == 1).all()
    # The outputs a person or a map can use.
    geo = json.loads((tmp_path / "out/roofs.geojson").read_text())
    assert geo["features"][0]["properties"]["class"] == "excellent"
    assert (tmp_path / "out/roofs.svg").read_text().startswith("<svg")


def test_a_roof_beside_a_tall_wall_loses_what_geometry_says(tmp_path):
    """A 2 km long, 30 m wall 10 m south of a 3 m roof. Each point's unshaded share of the direct
    light and its sky view factor are computed independently: the ray towards the sun crosses the
    wall's north face below its top (sun in the south), and an infinite wall of elevation ψ leaves
    (1 + cos ψ)/2 of the sky."""
    world = synthetic_space(tmp_path, [(0, 0, 20, 10, 3), (-1000, -12, 1000, -10, 30)])
    _, points = run_roofs(world, tmp_path / "out", "--spacing", "2", "--sky-rays", "1024")
    sun, sky = pvlib_year(*ANCHOR)
    az, el = np.radians(sun["azimuth"].to_numpy()), np.radians(sun["apparent_elevation"].to_numpy())
    s = np.stack([np.sin(az) * np.cos(el), np.cos(az) * np.cos(el), np.sin(el)], axis=1)
    beam = sky["dni"].to_numpy() * s[:, 2]
    roof = points[points["u"] < 5]
    assert len(roof) == 50
    # The importer's frame is within centimetres of the boxes' metres; the wall's north face is at n = -10.
    for _, p in roof.iterrows():
        t = (-10 - p["n"]) / np.where(s[:, 1] < 0, s[:, 1], -1e-12)
        height = p["u"] + 0.05 + s[:, 2] * t
        across = np.abs(p["e"] + s[:, 0] * t)
        blocked = (s[:, 1] < 0) & (height < 30) & (across <= 1000)
        share = beam[~blocked].sum() / beam.sum()
        assert abs(p["sunlit_share"] - share) < 0.01, (p["e"], p["n"], p["sunlit_share"], share)
        psi = np.arctan((30 - p["u"] - 0.05) / (p["n"] + 10))
        assert abs(p["sky_view"] - (1 + np.cos(psi)) / 2) < 0.03, (p["n"], p["sky_view"], (1 + np.cos(psi)) / 2)


def test_a_space_without_buildings_or_turbidity_is_refused(tmp_path):
    world = synthetic_space(tmp_path, [(-5, -5, 5, 5, 10)])
    (world / "spaces/test/solar.json").unlink()
    done = subprocess.run([str(BINARY), "solar", "roofs", "--world", str(world), "--space", "test", "--out",
                           str(tmp_path / "o")], capture_output=True, text=True)
    assert done.returncode != 0 and "Linke turbidity" in done.stderr
    done = subprocess.run([str(BINARY), "solar", "roofs", "--world", str(world), "--space", "nothing", "--out",
                           str(tmp_path / "o")], capture_output=True, text=True)
    assert done.returncode != 0 and "no buildings" in done.stderr


def test_a_planned_tower_costs_its_northern_neighbour_light(tmp_path):
    """What if: a 60 m tower 15 m south of a low building takes a share of its roof's year; a
    building far to the north-east hardly notices."""
    world = synthetic_space(tmp_path, [(0, 0, 20, 10, 6), (300, 300, 320, 310, 6)])
    done = subprocess.run([str(BINARY), "solar", "roofs", "--world", str(world), "--space", "test", "--out",
                           str(tmp_path / "out"), "--spacing", "2", "--sky-rays", "64",
                           "--plan-footprint", "0,-35;20,-35;20,-15;0,-15", "--plan-height", "60"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    change = pd.read_csv(tmp_path / "out/whatif.csv").set_index("id")
    assert change.loc["box/0", "change_percent"] < -10
    assert abs(change.loc["box/1", "change_percent"]) < 0.5
    bad = subprocess.run([str(BINARY), "solar", "roofs", "--world", str(world), "--space", "test", "--out",
                          str(tmp_path / "o2"), "--plan-footprint", "0,0;1,1", "--plan-height", "60"],
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "3 to 1000 points" in bad.stderr


def test_a_tilted_roof_gets_pvlibs_plane_of_array_irradiation(tmp_path):
    """A lone south-facing roof tilted 30° (written as GLB by trimesh, an independent writer): its
    year matches pvlib's isotropic plane-of-array sum (beam on the tilt, sky diffuse × (1 + cos β)/2,
    ground-reflected with albedo 0.2)."""
    import trimesh
    depth, tilt = 10.0, np.radians(30)
    enu = np.array([[0, 0, 5], [20, 0, 5], [20, depth, 5 + depth * np.tan(tilt)], [0, depth, 5 + depth * np.tan(tilt)]])
    gltf = np.stack([enu[:, 0], enu[:, 2], -enu[:, 1]], axis=1)  # glTF: +Y up, -Z north
    scene = trimesh.Scene()
    scene.add_geometry(trimesh.Trimesh(vertices=gltf, faces=[[0, 1, 2], [0, 2, 3]], process=False),
                       node_name="tilted", geom_name="tilted")
    space = tmp_path / "world/spaces/test"
    space.mkdir(parents=True)
    (space / "buildings.glb").write_bytes(scene.export(file_type="glb"))
    (space / "buildings.json").write_text(json.dumps(
        {"anchor": {"latitude": ANCHOR[0], "longitude": ANCHOR[1], "height": 0}, "attribution": "test", "buildings": []}))
    (space / "solar.json").write_text(json.dumps({"linkeTurbidity": LINKE, "albedo": 0.2}))
    result, points = run_roofs(tmp_path / "world", tmp_path / "out", "--spacing", "2", "--sky-rays", "1024")
    sun, sky = pvlib_year(*ANCHOR)
    poa = pvlib.irradiance.get_total_irradiance(30, 180, sun["apparent_zenith"], sun["azimuth"], sky["dni"],
                                                sky["ghi"], sky["dhi"], albedo=0.2, model="isotropic")
    expected = poa["poa_global"].sum() / 1000
    roof = result["buildings"][0]
    assert abs(roof["meanKWhPerM2"] / expected - 1) < 0.005, (roof["meanKWhPerM2"], expected)
    assert abs(roof["roofAreaM2"] - 20 * depth / np.cos(tilt)) <= 0.05  # written to 0.1 m²
    assert (points["tilt_deg"].round(1) == 30.0).all()
    assert abs(points["sky_view"].mean() - (1 + np.cos(tilt)) / 2) < 0.01
