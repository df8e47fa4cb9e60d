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
