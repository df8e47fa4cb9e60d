"""`bitgoeul import geojson` checked from outside: trimesh reads the GLB; bad files get clear errors."""
import json
import pathlib
import subprocess
import tempfile

import numpy as np
import pytest
import trimesh

ROOT = pathlib.Path(__file__).resolve().parent.parent
BINARY = ROOT / ".build/debug/bitgoeul"
YEOUIDO = ROOT.parent / "shared/data/buildings/seoul_yeouido_buildings_osm.geojson"


def run_import(path, world, *extra):
    return subprocess.run([str(BINARY), "import", "geojson", str(path), "--world", str(world), "--space", "s", *extra],
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def yeouido():
    if not YEOUIDO.exists():
        pytest.fail(f"{YEOUIDO} is missing (shared data)")
    world = pathlib.Path(tempfile.mkdtemp()) / "seoul"
    result = run_import(YEOUIDO, world)
    assert result.returncode == 0, result.stderr
    return world / "spaces/s", result.stdout


def test_summary_counts_every_feature(yeouido):
    _, summary = yeouido
    assert "read 716 features, imported 592 buildings, skipped 124 (building_part 124)" in summary


def test_trimesh_reads_one_watertight_mesh_per_building(yeouido):
    space, _ = yeouido
    records = json.loads((space / "buildings.json").read_text())["buildings"]
    scene = trimesh.load(space / "buildings.glb", force="scene")
    assert len(scene.geometry) == len(records) == 592
    # Faces are flat-shaded (own normals per face), so merge equal positions before asking.
    not_watertight = []
    for name, mesh in scene.geometry.items():
        solid = mesh.copy()
        solid.merge_vertices(merge_norm=True, merge_tex=True)
        if not solid.is_watertight:
            not_watertight.append(name)
    assert not_watertight == []
    # Roof area: faces whose normal points up (+Y in glTF) at the top of each building.
    roof = 0.0
    for mesh in scene.geometry.values():
        up = mesh.face_normals[:, 1] > 0.999
        top = mesh.triangles[:, :, 1].max()
        at_top = np.isclose(mesh.triangles[:, :, 1].mean(axis=1), top)
        roof += mesh.area_faces[up & at_top].sum()
    expected = sum(r["footprintArea"] for r in records)
    assert abs(roof - expected) <= 0.001 * expected, (roof, expected)
    # Volumes are positive: every face points out of its building.
    assert all(mesh.volume > 0 for mesh in scene.geometry.values())


def test_63_building_stands_where_it_should(yeouido):
    space, _ = yeouido
    records = {r["id"]: r for r in json.loads((space / "buildings.json").read_text())["buildings"]}
    b63 = records["way/64989671"]
    assert b63["height"] == 252
    assert abs(b63["centroidWGS84"]["latitude"] - 37.5198) < 0.001
    assert abs(b63["centroidWGS84"]["longitude"] - 126.9401) < 0.001


def test_parts_mode_draws_parts_instead_of_their_outlines(tmp_path):
    result = run_import(YEOUIDO, tmp_path / "w", "--parts", "parts")
    assert result.returncode == 0, result.stderr
    assert "has_parts" in result.stdout and "building_part" not in result.stdout


@pytest.mark.parametrize("content, message", [
    ("this is not json", "not JSON"),
    ('{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
])
def test_whole_file_errors_exit_nonzero_and_write_nothing(tmp_path, content, message):
    path = tmp_path / "bad.geojson"
    path.write_text(content)
    result = run_import(path, tmp_path / "w")
    assert result.returncode != 0
    assert message in result.stderr
    assert not (tmp_path / "w").exists()


def test_bad_features_are_named_with_index_and_rule(tmp_path):
    square = [[126.9, 37.5], [126.9001, 37.5], [126.9001, 37.5001], [126.9, 37.5001], [126.9, 37.5]]
    features = [
        {"type": "Feature", "properties": {"height": 10}, "geometry": {"type": "Polygon", "coordinates": [square]}},
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [126.9, 37.5]}},
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[126.9, 37.5], [126.91, 37.5], [126.9, 37.5]]]}},
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[126.9, 95.0]] * 5]}},
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[
            [126.9, 37.5], [126.9001, 37.5001], [126.9001, 37.5], [126.9, 37.5001], [126.9, 37.5]]]}},
    ]
    path = tmp_path / "mixed.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    result = run_import(path, tmp_path / "w")
    assert result.returncode == 0, result.stderr
    assert "imported 1 buildings, skipped 4" in result.stdout
    for index, rule in [(1, "unsupported_geometry"), (2, "ring_too_short"), (3, "invalid_coordinate"), (4, "self_intersection")]:
        assert f"feature {index} (feature-{index}): {rule}" in result.stderr, result.stderr


PBF = ROOT.parent / "shared/data/buildings/seoul_yeouido_osm_2024-10.osm.pbf"


def test_an_osm_extract_converted_by_osmium_imports(tmp_path):
    """The operator's path for a Gwangju extract, run on the Yeouido .osm.pbf (docs/operations.md)."""
    buildings = tmp_path / "buildings.osm.pbf"
    geojson = tmp_path / "buildings.geojson"
    subprocess.run(["osmium", "tags-filter", str(PBF), "a/building", "a/building:part", "-o", str(buildings)], check=True)
    subprocess.run(["osmium", "export", str(buildings), "-o", str(geojson), "-f", "geojson",
                    "--geometry-types=polygon", "--add-unique-id=type_id"], check=True)
    result = run_import(geojson, tmp_path / "w")
    assert result.returncode == 0, result.stderr
    summary = result.stdout
    imported = int(summary.split("imported ")[1].split(" ")[0])
    assert imported >= 590, summary
    assert "building_part" in summary, "parts are recognised and skipped in outlines mode"
    records = json.loads((tmp_path / "w/spaces/s/buildings.json").read_text())["buildings"]
    assert any(r["id"] == "way/64989671" and r["height"] == 252 for r in records), "63 Building by its OSM way id"


def test_a_2_gb_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.geojson"
    with open(path, "wb") as f:
        f.truncate(2 * 1024 ** 3)  # sparse: no disk is used
    result = run_import(path, tmp_path / "w")
    assert result.returncode != 0
    assert "over the 512 MiB limit" in result.stderr
    assert not (tmp_path / "w").exists()
