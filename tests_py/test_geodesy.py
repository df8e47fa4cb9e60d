"""`bitgoeul geo` against pyproj (PROJ's cart + topocentric pipeline) as the independent oracle."""
import json
import random
import subprocess

import pytest
from pyproj import Transformer

from live_server import BINARY
ANCHORS = [(35.1484274, 126.9093966, 35.0), (37.524, 126.924, 20.0), (33.51741, 126.523457, 5.0)]


def topocentric(lat0, lon0, h0):
    return Transformer.from_pipeline(
        f"+proj=pipeline +step +proj=axisswap +order=2,1 +step +proj=unitconvert +xy_in=deg +xy_out=rad "
        f"+step +proj=cart +ellps=WGS84 +step +proj=topocentric +ellps=WGS84 +lat_0={lat0} +lon_0={lon0} +h_0={h0}")


def run(*args):
    out = subprocess.run([str(BINARY), "geo", *args], check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines()]


@pytest.mark.parametrize("anchor", ANCHORS)
def test_enu_agrees_with_pyproj_within_a_millimetre_at_10_km(anchor):
    rng = random.Random(42)
    lat0, lon0, h0 = anchor
    points = []
    for _ in range(200):
        # Up to ~10 km from the anchor in each direction.
        points.append((lat0 + rng.uniform(-0.09, 0.09), lon0 + rng.uniform(-0.11, 0.11), rng.uniform(-50, 400)))
    ours = run("enu", f"--origin={lat0},{lon0},{h0}", *[f"--point={p[0]},{p[1]},{p[2]}" for p in points])
    oracle = topocentric(lat0, lon0, h0)
    worst = 0.0
    for (lat, lon, h), mine in zip(points, ours):
        e, n, u = oracle.transform(lat, lon, h)
        worst = max(worst, abs(e - mine["e"]), abs(n - mine["n"]), abs(u - mine["u"]))
    assert worst < 0.001, f"worst difference {worst * 1000:.4f} mm"


@pytest.mark.parametrize("anchor", ANCHORS)
def test_wgs84_goes_back_to_the_same_place(anchor):
    rng = random.Random(7)
    lat0, lon0, h0 = anchor
    enus = [(rng.uniform(-10_000, 10_000), rng.uniform(-10_000, 10_000), rng.uniform(-100, 300)) for _ in range(200)]
    ours = run("wgs84", f"--origin={lat0},{lon0},{h0}", *[f"--enu={p[0]},{p[1]},{p[2]}" for p in enus])
    oracle = topocentric(lat0, lon0, h0)
    for (e, n, u), mine in zip(enus, ours):
        e2, n2, u2 = oracle.transform(mine["lat"], mine["lon"], mine["h"])
        assert abs(e2 - e) < 0.001 and abs(n2 - n) < 0.001 and abs(u2 - u) < 0.001


def test_bad_coordinates_are_refused_with_a_reason():
    result = subprocess.run([str(BINARY), "geo", "enu", "--origin", "95,10", "--point", "1,1"], capture_output=True, text=True)
    assert result.returncode != 0
    assert "latitude" in result.stderr
    result = subprocess.run([str(BINARY), "geo", "enu", "--origin", "35,127", "--point", "nan,1"], capture_output=True, text=True)
    assert result.returncode != 0


def test_negative_coordinates_are_values_not_flags():
    """Sydney, Buenos Aires and everything west of Greenwich: `--origin -33.87,151.21` without `=`."""
    sydney = run("enu", "--origin", "-33.87,151.21", "--point", "-33.86,151.21", "--point", "-33.87,151.2")
    oracle = topocentric(-33.87, 151.21, 0)
    for (lat, lon), mine in zip([(-33.86, 151.21), (-33.87, 151.2)], sydney):
        e, n, u = oracle.transform(lat, lon, 0)
        assert abs(e - mine["e"]) < 0.001 and abs(n - mine["n"]) < 0.001
    back = run("wgs84", "--origin", "-34.6,-58.38", "--enu", "-120.5,-30,0")
    assert back[0]["lat"] < -34.6 and back[0]["lon"] < -58.38
    out = subprocess.run([str(BINARY), "solar", "position", "--lat", "-33.87", "--lon", "-70.65",
                          "--time", "2026-06-21T12:00:00-04:00"], check=True, capture_output=True, text=True).stdout
    assert "zenith" in json.loads(out)


def test_the_geodesic_vectors_are_pyprojs():
    """Tests/Fixtures/geodesic/vectors.json (which the Swift suite checks `Geodesic.inverse` against, ≤ 1 cm)
    holds what pyproj's Karney solution gives for each pair."""
    import json
    import pathlib

    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    path = pathlib.Path(__file__).resolve().parent.parent / "Tests/Fixtures/geodesic/vectors.json"
    cases = json.loads(path.read_text())["cases"]
    assert len(cases) >= 40
    for c in cases:
        azimuth, _, distance = geod.inv(c["lon1"], c["lat1"], c["lon2"], c["lat2"])
        assert abs(distance - c["distanceM"]) < 1e-6, c["name"]
        assert abs((azimuth % 360) - c["bearingDeg"]) < 1e-9 or c["distanceM"] < 1e-6, c["name"]
