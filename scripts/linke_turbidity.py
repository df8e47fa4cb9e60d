"""Writes solar.json beside each space.json: the site's monthly Linke turbidity from the SoDa
climatology (Remund et al. 2003) as distributed with pvlib, and the ground albedo. Run once per
new space; the values are data with their source, read by `bitgoeul solar roofs`."""
import json
import pathlib
import pandas as pd
import pvlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
for space in sorted(ROOT.glob("worlds/*/spaces/*/space.json")):
    manifest = json.loads(space.read_text())
    anchor = manifest["anchor"]
    months = pd.date_range("2026-01-01", periods=12, freq="MS", tz="UTC") + pd.Timedelta(days=14)
    tl = pvlib.clearsky.lookup_linke_turbidity(months, anchor["latitude"], anchor["longitude"], interp_turbidity=False)
    out = {"linkeTurbidity": [round(float(v), 3) for v in tl],
           "albedo": 0.2,
           "source": "Monthly Linke turbidity at the space's anchor from the SoDa climatology (Remund, Wald, Lefèvre, "
                     "Ranchin, Page 2003, 'Worldwide Linke turbidity information', ISES Solar World Congress), as "
                     f"distributed with pvlib {pvlib.__version__} (LinkeTurbidities.h5); albedo 0.2 (a city)."}
    (space.parent / "solar.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
    print(space.parent.name, out["linkeTurbidity"])
