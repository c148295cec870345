#!/usr/bin/env python3
"""Make the service map's offline base layer: the countries, borders and coastline of the Baltic Sea region.

Source: Natural Earth's Admin 0 country boundaries, 1:50m, version 4.1.0 (public domain), as TopoJSON in
the npm package `world-atlas` 2.0.2 (ISC licence, (c) Michael Bostock), file `countries-50m.json`.
Output: `strom/static/vendor/world-atlas-<version>/baltic-countries.geojson` and the package's LICENSE
beside it. The map page draws this file under the pins, and under the tiles when a tile server is set.

To regenerate (Python standard library only, nothing else to install):

    cd /tmp && npm pack world-atlas@2.0.2
    python3 scripts/make-base-layer.py /tmp/world-atlas-2.0.2.tgz

The argument may also be an unpacked `countries-50m.json`; then pass `--out` (the version is unknown).
The same input always gives the same bytes.

What the file holds (a GeoJSON FeatureCollection, coordinates rounded to 3 decimals, about 100 m):
- one feature per country that reaches into the region, properties `id` (ISO 3166-1 numeric, as in
  world-atlas), `code` (ISO 3166-1 alpha-2, for the reader's country name from CLDR), `name` (English,
  as in Natural Earth), `kind: "country"` and, where its largest piece in the region is big enough to
  write on, `label` (a point well inside it, [lon, lat]), its (Multi)Polygon clipped to the region;
  drawn filled, without an outline, because clipping adds edges along the region's edge;
- one MultiLineString with `kind: "border"` (arcs two countries share) and one with `kind: "coastline"`
  (arcs only one country uses), clipped as lines, so that every border is drawn once and no line runs
  along the region's edge.

TopoJSON in brief: `arcs` is a list of polylines shared between geometries; with a `transform`, each
arc's positions are integers and every position after the first is the difference from the previous
one. A geometry names its arcs by index, and `~i` (that is -i-1) means arc i reversed; consecutive arcs
of a ring share their end points.
"""

import argparse
import io
import itertools
import json
import math
import sys
import tarfile
from pathlib import Path

# West, south, east, north: the Baltic Sea with its neighbours, from Denmark and southern Norway to
# Saint Petersburg and Belarus.
REGION = (3.0, 50.0, 42.0, 71.0)
DIGITS = 3
# Only a piece at least this big (in square degrees, about 12,000 km2 at 57 N) gets a name on the map.
LABEL_MIN_AREA = 1.5
# ISO 3166-1 numeric (world-atlas's ids) to alpha-2 for the countries around the Baltic Sea; one missing
# here leaves `code` null, and that country's name on the map in English.
ALPHA_2 = {
    "056": "BE", "112": "BY", "203": "CZ", "208": "DK", "233": "EE", "246": "FI", "248": "AX", "250": "FR",
    "276": "DE", "428": "LV", "440": "LT", "442": "LU", "528": "NL", "578": "NO", "616": "PL", "643": "RU",
    "752": "SE", "804": "UA",
}  # fmt: skip
SOURCE_FILE = "countries-50m.json"
OUTPUT_NAME = "baltic-countries.geojson"
ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "strom" / "static" / "vendor"


# --- Decoding TopoJSON ---------------------------------------------------------------------------


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Every arc as absolute longitude, latitude pairs (undoing quantisation and delta encoding)."""
    transform = topology.get("transform")
    if not transform:
        return [[(float(x), float(y)) for x, y, *_ in arc] for arc in topology["arcs"]]
    (scale_x, scale_y), (shift_x, shift_y) = transform["scale"], transform["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def arc_points(arcs: list, index: int) -> list[tuple[float, float]]:
    return list(reversed(arcs[~index])) if index < 0 else list(arcs[index])


def ring(arcs: list, indexes: list[int]) -> list[tuple[float, float]]:
    """A closed ring from its arcs: each arc after the first starts where the previous one ended."""
    points: list[tuple[float, float]] = []
    for index in indexes:
        part = arc_points(arcs, index)
        points.extend(part[1:] if points else part)
    return points


def polygons(geometry: dict, arcs: list) -> list[list[list[tuple[float, float]]]]:
    """A Polygon or MultiPolygon geometry as a list of polygons, each a list of rings (outer first)."""
    if geometry["type"] == "Polygon":
        return [[ring(arcs, r) for r in geometry["arcs"]]]
    if geometry["type"] == "MultiPolygon":
        return [[ring(arcs, r) for r in polygon] for polygon in geometry["arcs"]]
    if geometry["type"] is None:
        return []
    raise ValueError(f"not an area: {geometry['type']}")


def arc_indexes(geometry: dict) -> list[int]:
    """The arcs a (Multi)Polygon uses, each once per use, as non-negative indexes."""
    rings = geometry["arcs"] if geometry["type"] == "Polygon" else [r for p in geometry["arcs"] for r in p]
    return [i if i >= 0 else ~i for r in rings for i in r]


# --- Clipping to the region ----------------------------------------------------------------------


def clip_ring(points: list, region: tuple) -> list[tuple[float, float]]:
    """Sutherland-Hodgman: the part of a ring inside the rectangle, closed again (may be empty)."""
    west, south, east, north = region
    edges = [
        (lambda p: p[0] >= west, lambda a, b: _at_x(a, b, west)),
        (lambda p: p[0] <= east, lambda a, b: _at_x(a, b, east)),
        (lambda p: p[1] >= south, lambda a, b: _at_y(a, b, south)),
        (lambda p: p[1] <= north, lambda a, b: _at_y(a, b, north)),
    ]
    out = list(points[:-1]) if points and points[0] == points[-1] else list(points)
    for inside, cross in edges:
        given, out = out, []
        for i, current in enumerate(given):
            previous = given[i - 1]
            if inside(current):
                if not inside(previous):
                    out.append(cross(previous, current))
                out.append(current)
            elif inside(previous):
                out.append(cross(previous, current))
    return [*out, out[0]] if out else []


def _at_x(a, b, x):
    return (x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0]))


def _at_y(a, b, y):
    return (a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y)


def clip_line(points: list, region: tuple) -> list[list[tuple[float, float]]]:
    """Liang-Barsky per segment: the pieces of a polyline inside the rectangle."""
    west, south, east, north = region
    pieces: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for a, b in itertools.pairwise(points):
        segment = _clip_segment(a, b, west, south, east, north)
        if segment is None:
            if current:
                pieces.append(current)
                current = []
            continue
        start, end = segment
        if current and current[-1] == start:
            current.append(end)
        else:
            if current:
                pieces.append(current)
            current = [start, end]
        if end != b:  # left the region: the next segment starts a new piece
            pieces.append(current)
            current = []
    if current:
        pieces.append(current)
    return pieces


def _clip_segment(a, b, west, south, east, north):
    (x0, y0), (x1, y1) = a, b
    dx, dy = x1 - x0, y1 - y0
    low, high = 0.0, 1.0
    for p, q in ((-dx, x0 - west), (dx, east - x0), (-dy, y0 - south), (dy, north - y0)):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return None
    start = a if low == 0 else (x0 + low * dx, y0 + low * dy)
    end = b if high == 1 else (x0 + high * dx, y0 + high * dy)
    return start, end


# --- Where to write a country's name ----------------------------------------------------------------


def area(ring: list) -> float:
    """The ring's area in square degrees (shoelace; the sign ignored)."""
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring))) / 2


def inside(x: float, y: float, polygon: list) -> bool:
    """Even-odd rule over all rings: inside the outer ring and outside every hole."""
    result = False
    for ring in polygon:
        for (x0, y0), (x1, y1) in itertools.pairwise(ring):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                result = not result
    return result


def distance_to_edges(x: float, y: float, polygon: list) -> float:
    """Distance to the nearest edge, in degrees of latitude (longitude shrunk by the cosine)."""
    shrink = math.cos(math.radians(y))
    best = math.inf
    for ring in polygon:
        for (x0, y0), (x1, y1) in itertools.pairwise(ring):
            ax, ay, bx, by = (x0 - x) * shrink, y0 - y, (x1 - x) * shrink, y1 - y
            dx, dy = bx - ax, by - ay
            t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / (dx * dx + dy * dy)))
            best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


def label_point(polygon: list, steps: int = 24) -> tuple[float, float]:
    """A point deep inside the polygon (far from every edge, so a name fits), by a coarse grid search
    and a finer one around the best cell: close to the 'pole of inaccessibility', and deterministic."""
    xs, ys = [x for x, _ in polygon[0]], [y for _, y in polygon[0]]
    west, south, east, north = min(xs), min(ys), max(xs), max(ys)
    centre = ((west + east) / 2, (south + north) / 2)
    best = (-1.0, 0.0, centre)  # (distance to the edges, minus distance to the centre: ties go inwards)
    for _ in range(2):
        width, height = (east - west) / steps, (north - south) / steps
        for i in range(steps + 1):
            for j in range(steps + 1):
                x, y = west + i * width, south + j * height
                if inside(x, y, polygon):
                    off = (x - centre[0]) ** 2 + (y - centre[1]) ** 2
                    best = max(best, (round(distance_to_edges(x, y, polygon), 9), -off, (x, y)))
        (x, y) = best[2]
        west, east, south, north = x - width, x + width, y - height, y + height
    return best[2]


# --- Rounding and writing ------------------------------------------------------------------------


def rounded(points: list, digits: int = DIGITS) -> list[list[float]]:
    """Positions rounded, with the repeats that rounding makes dropped."""
    out: list[list[float]] = []
    for x, y in points:
        position = [round(x, digits) + 0.0, round(y, digits) + 0.0]  # + 0.0: no "-0.0" in the file
        if not out or out[-1] != position:
            out.append(position)
    return out


def base_layer(topology: dict, region: tuple = REGION, digits: int = DIGITS, name: str = "countries") -> dict:
    """The GeoJSON FeatureCollection described in this module's docstring."""
    arcs = decode_arcs(topology)
    geometries = topology["objects"][name]["geometries"]
    uses: dict[int, int] = {}
    for geometry in geometries:
        if geometry["type"] is None:
            continue
        for index in arc_indexes(geometry):
            uses[index] = uses.get(index, 0) + 1

    features = []
    for geometry in geometries:
        kept = []
        for polygon in polygons(geometry, arcs):
            clipped = [rounded(clip_ring(r, region), digits) for r in polygon]
            if len(clipped[0]) < 4:
                continue  # the outer ring lies outside the region (or rounds away): holes go with it
            kept.append([r for r in clipped if len(r) >= 4])
        if not kept:
            continue
        shape = {"type": "Polygon", "coordinates": kept[0]} if len(kept) == 1 else {}
        shape = shape or {"type": "MultiPolygon", "coordinates": kept}
        properties = {
            "kind": "country",
            "id": geometry.get("id"),
            "code": ALPHA_2.get(geometry.get("id")),
            "name": geometry.get("properties", {}).get("name"),
        }
        largest = max(kept, key=lambda polygon: area(polygon[0]))
        if area(largest[0]) >= LABEL_MIN_AREA:
            properties["label"] = [round(value, 2) + 0.0 for value in label_point(largest)]
        features.append({"type": "Feature", "properties": properties, "geometry": shape})
    features.sort(
        key=lambda feature: (feature["properties"]["name"] or "", feature["properties"]["id"] or "")
    )

    for kind, used_by in (("border", lambda n: n > 1), ("coastline", lambda n: n == 1)):
        lines = []
        for index in sorted(uses):
            if used_by(uses[index]):
                for piece in clip_line(arcs[index], region):
                    line = rounded(piece, digits)
                    if len(line) >= 2:
                        lines.append(line)
        features.append(
            {
                "type": "Feature",
                "properties": {"kind": kind},
                "geometry": {"type": "MultiLineString", "coordinates": lines},
            }
        )
    return {"type": "FeatureCollection", "bbox": list(region), "features": features}


def dumps(collection: dict) -> str:
    """Compact JSON with one feature per line: small, and a regenerated file diffs readably."""
    lines = [
        json.dumps(feature, separators=(",", ":"), ensure_ascii=False) for feature in collection["features"]
    ]
    head = json.dumps({"type": collection["type"], "bbox": collection["bbox"]}, separators=(",", ":"))[:-1]
    return head + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"


def read_package(path: Path) -> tuple[dict, str, bytes]:
    """The topology, version and licence text from the npm tarball `world-atlas-<version>.tgz`."""
    with tarfile.open(path, "r:gz") as archive:

        def read(member: str) -> bytes:
            handle = archive.extractfile(f"package/{member}")
            if handle is None:
                raise FileNotFoundError(member)
            return handle.read()

        version = json.loads(read("package.json"))["version"]
        return json.load(io.BytesIO(read(SOURCE_FILE))), version, read("LICENSE")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "source", type=Path, help="world-atlas-<version>.tgz from npm pack, or a TopoJSON file"
    )
    parser.add_argument("--out", type=Path, help="the GeoJSON file to write (default: the vendor folder)")
    parser.add_argument(
        "--object", default="countries", help="the TopoJSON object to read (default: countries)"
    )
    args = parser.parse_args(argv)

    if args.source.suffix == ".tgz":
        topology, version, licence = read_package(args.source)
        out = args.out or VENDOR / f"world-atlas-{version}" / OUTPUT_NAME
        out.parent.mkdir(parents=True, exist_ok=True)
        (out.parent / "LICENSE").write_bytes(licence)
    else:
        if args.out is None:
            parser.error("--out is needed when the source is a bare TopoJSON file")
        topology, out = json.loads(args.source.read_text(encoding="utf-8")), args.out
        out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(dumps(base_layer(topology, name=args.object)), encoding="utf-8")
    print(f"{out}: {out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
