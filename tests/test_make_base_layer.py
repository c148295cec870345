"""The map's offline base layer: the script that makes it from world-atlas's TopoJSON decodes, clips and
rounds as it says, and the vendored file is valid GeoJSON that puts the Baltic cities in their countries."""

import importlib.util
import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "make-base-layer.py"
VENDORED = ROOT / "strom" / "static" / "vendor" / "world-atlas-2.0.2" / "baltic-countries.geojson"
WEST, SOUTH, EAST, NORTH = 3.0, 50.0, 42.0, 71.0


def load_script():
    spec = importlib.util.spec_from_file_location("make_base_layer", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# A hand-made topology, quantised (x = 10 + 0.5 * qx, y = 50 + 0.25 * qy) and delta-encoded:
# Alpha (10..12 x 50..51) and Beta (12..14 x 50..51) share arc 0, the border at x = 12; Gamma
# (2..4 x 60..61) crosses the region's western edge at x = 3; Delta lies at x = 100, outside.
TINY = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.25], "translate": [10, 50]},
    "arcs": [
        [[4, 0], [0, 4]],  # (12,50) -> (12,51)
        [[4, 4], [-4, 0], [0, -4], [4, 0]],  # (12,51) -> (10,51) -> (10,50) -> (12,50)
        [[4, 0], [4, 0], [0, 4], [-4, 0]],  # (12,50) -> (14,50) -> (14,51) -> (12,51)
        [[-16, 40], [4, 0], [0, 4], [-4, 0], [0, -4]],  # (2,60) -> (4,60) -> (4,61) -> (2,61) -> (2,60)
        [[180, 40], [2, 0], [0, 2], [-2, 0], [0, -2]],  # (100,60) ... a square far east
    ],
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[~0, 2]], "id": "002", "properties": {"name": "Beta"}},
                {"type": "Polygon", "arcs": [[0, 1]], "id": "001", "properties": {"name": "Alpha"}},
                {"type": "MultiPolygon", "arcs": [[[3]]], "id": "003", "properties": {"name": "Gamma"}},
                {"type": "Polygon", "arcs": [[4]], "id": "004", "properties": {"name": "Delta"}},
            ],
        }
    },
}

EXPECTED = {
    "type": "FeatureCollection",
    "bbox": [WEST, SOUTH, EAST, NORTH],
    "features": [
        {
            "type": "Feature",
            "properties": {
                "kind": "country",
                "id": "001",
                "code": None,
                "name": "Alpha",
                "label": [11, 50.5],
            },
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[12, 50], [12, 51], [10, 51], [10, 50], [12, 50]]],
            },
        },
        {
            "type": "Feature",
            "properties": {"kind": "country", "id": "002", "code": None, "name": "Beta", "label": [13, 50.5]},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[12, 51], [12, 50], [14, 50], [14, 51], [12, 51]]],
            },
        },
        {
            "type": "Feature",
            "properties": {
                "kind": "country",
                "id": "003",
                "code": None,
                "name": "Gamma",
            },  # too small to name
            "geometry": {"type": "Polygon", "coordinates": [[[3, 60], [4, 60], [4, 61], [3, 61], [3, 60]]]},
        },
        {
            "type": "Feature",
            "properties": {"kind": "border"},
            "geometry": {"type": "MultiLineString", "coordinates": [[[12, 50], [12, 51]]]},
        },
        {
            "type": "Feature",
            "properties": {"kind": "coastline"},
            "geometry": {
                "type": "MultiLineString",
                "coordinates": [
                    [[12, 51], [10, 51], [10, 50], [12, 50]],
                    [[12, 50], [14, 50], [14, 51], [12, 51]],
                    [[3, 60], [4, 60], [4, 61], [3, 61]],
                ],
            },
        },
    ],
}


def test_it_makes_the_expected_geojson_from_a_tiny_topology(tmp_path):
    source, out = tmp_path / "tiny.json", tmp_path / "out" / "tiny.geojson"
    source.write_text(json.dumps(TINY), encoding="utf-8")
    subprocess.run(
        [sys.executable, str(SCRIPT), str(source), "--out", str(out)], check=True, capture_output=True
    )
    assert json.loads(out.read_text(encoding="utf-8")) == EXPECTED
    first = out.read_bytes()
    subprocess.run(
        [sys.executable, str(SCRIPT), str(source), "--out", str(out)], check=True, capture_output=True
    )
    assert out.read_bytes() == first  # reproducible to the byte


def test_it_decodes_quantised_delta_encoded_arcs_and_plain_ones():
    script = load_script()
    arcs = script.decode_arcs(TINY)
    assert arcs[1] == [(12.0, 51.0), (10.0, 51.0), (10.0, 50.0), (12.0, 50.0)]
    assert arcs[4][0] == (100.0, 60.0)
    plain = {"arcs": [[[24.1, 56.9], [24.2, 57.0]]]}  # no transform: positions are absolute
    assert script.decode_arcs(plain) == [[(24.1, 56.9), (24.2, 57.0)]]
    assert script.arc_points(arcs, ~0) == [(12.0, 51.0), (12.0, 50.0)]


def test_it_clips_lines_into_pieces_and_rounds_without_repeats():
    script = load_script()
    zigzag = [(0, 0), (2, 0), (4, 0), (4, 2), (2, 2), (0, 2)]
    assert script.clip_line(zigzag, (1, -1, 3, 3)) == [
        [(1.0, 0.0), (2, 0), (3.0, 0.0)],
        [(3.0, 2.0), (2, 2), (1.0, 2.0)],
    ]
    assert script.clip_line([(5, 5), (6, 6)], (0, 0, 1, 1)) == []
    assert script.rounded([(24.10049, 56.9), (24.1004, 56.9001), (-0.0001, 1)]) == [[24.1, 56.9], [0.0, 1.0]]


def point_in_ring(lon, lat, ring):
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def contains(feature, lat, lon):
    geometry = feature["geometry"]
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return any(
        point_in_ring(lon, lat, polygon[0]) and not any(point_in_ring(lon, lat, hole) for hole in polygon[1:])
        for polygon in polygons
    )


@pytest.fixture(scope="module")
def vendored():
    return json.loads(VENDORED.read_text(encoding="utf-8"))


def test_it_vendors_a_small_valid_geojson_file_with_its_licence(vendored):
    assert VENDORED.stat().st_size < 300_000
    assert (
        (VENDORED.parent / "LICENSE")
        .read_text(encoding="utf-8")
        .startswith("Copyright 2013-2019 Michael Bostock")
    )
    assert vendored["type"] == "FeatureCollection"
    kinds = [feature["properties"]["kind"] for feature in vendored["features"]]
    assert kinds.count("border") == kinds.count("coastline") == 1
    for feature in vendored["features"]:
        geometry = feature["geometry"]
        assert feature["type"] == "Feature"
        if feature["properties"]["kind"] == "country":
            assert geometry["type"] in {"Polygon", "MultiPolygon"}
            polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
            lines = [ring for polygon in polygons for ring in polygon]
            assert all(len(ring) >= 4 and ring[0] == ring[-1] for ring in lines), feature["properties"]
        else:
            assert geometry["type"] == "MultiLineString"
            lines = geometry["coordinates"]
            assert len(lines) > 20 and all(len(line) >= 2 for line in lines)
        for lon, lat in (position for line in lines for position in line):
            assert WEST <= lon <= EAST and SOUTH <= lat <= NORTH
            assert round(lon, 3) == lon and round(lat, 3) == lat


@pytest.mark.parametrize(
    ("country", "city", "lat", "lon"),
    [
        ("Latvia", "Riga", 56.95, 24.1),
        ("Estonia", "Tallinn", 59.437, 24.745),
        ("Lithuania", "Vilnius", 54.687, 25.28),
        ("Finland", "Helsinki", 60.17, 24.94),
        ("Sweden", "Uppsala", 59.86, 17.64),
        ("Poland", "Gdańsk", 54.35, 18.65),
    ],
)
def test_it_puts_each_city_in_its_own_country_only(vendored, country, city, lat, lon):
    countries = [f for f in vendored["features"] if f["properties"]["kind"] == "country"]
    assert [f["properties"]["name"] for f in countries if contains(f, lat, lon)] == [country], city


def test_it_writes_each_name_inside_its_own_country_with_its_code(vendored):
    countries = [f for f in vendored["features"] if f["properties"]["kind"] == "country"]
    codes = {f["properties"]["name"]: f["properties"]["code"] for f in countries}
    assert {codes["Latvia"], codes["Estonia"], codes["Lithuania"], codes["Åland"]} == {"LV", "EE", "LT", "AX"}
    assert all(codes.values()), codes
    labelled = [f for f in countries if "label" in f["properties"]]
    assert {"Latvia", "Estonia", "Lithuania", "Finland", "Sweden"} <= {
        f["properties"]["name"] for f in labelled
    }
    for feature in labelled:
        lon, lat = feature["properties"]["label"]
        assert contains(feature, lat, lon), feature["properties"]
