"""Spatial columns against the real servers: into PostGIS geometry/geography (EWKB, SRID kept)
and into PostgreSQL's own point, path, lseg and polygon. Every value is compared with MySQL's
bit for bit (WKB bytes; each coordinate's double), content parity passes and fails when one
coordinate's last bit changes; values that cannot be exact are refused by name."""

from __future__ import annotations

import struct

import pytest

from converge_assets.engine.conversion import UnsupportedTypePair, plan_table
from converge_assets.runner import run_source
from converge_assets_tests.pair_harness import gis_pair  # noqa: F401 (fixture)

MAX, TINY, MIN_NORMAL = "1.7976931348623157e308", "5e-324", "2.2250738585072014e-308"


def pt(x: str, y: str) -> str:
    return f"Point({x}, {y})"


def srid(geom: str, srid: int) -> str:
    """The same bytes with an SRID (no coordinate passes through text)."""
    return f"ST_GeomFromWKB(ST_AsBinary({geom}), {srid})"


LINE = f"LineString({pt(MAX, '-' + TINY)}, {pt('-0e0', MIN_NORMAL)}, {pt('0.1e0 + 0.2e0', '1e23')})"
SQUARE = "Polygon(LineString(Point(0, 0), Point(10, 0), Point(10, 10), Point(0, 10), Point(0, 0)))"
HOLED = (
    "Polygon(LineString(Point(0, 0), Point(10, 0), Point(10, 10), Point(0, 10), Point(0, 0)), "
    "LineString(Point(2, 2), Point(3, 2), Point(3, 3), Point(2, 2)))"
)
EDGE_POLY = (
    f"Polygon(LineString({pt('-' + MAX, '-0e0')}, {pt(MAX, TINY)}, {pt('0.30000000000000004', MAX)}, "
    f"{pt('-' + MAX, '-0e0')}))"
)
EMPTY_GC = "ST_GeomFromText('GEOMETRYCOLLECTION EMPTY')"

POSTGIS_MYSQL = f"""
CREATE TABLE gis (
  id int PRIMARY KEY, g geometry NULL, p point NULL, ls linestring NULL, poly polygon NULL,
  mp multipoint NULL, mls multilinestring NULL, mpoly multipolygon NULL, gc geometrycollection NULL);
INSERT INTO gis VALUES
 (1, {pt(MAX, "-" + MAX)}, {pt("-0e0", TINY)}, {LINE}, {HOLED},
  MultiPoint({pt("1", "2")}, {pt("-0e0", "-" + TINY)}), MultiLineString({LINE}, LineString(Point(0, 0), Point(1, 1))),
  MultiPolygon({SQUARE}, {EDGE_POLY}), {EMPTY_GC}),
 (2, {srid(LINE, 4326)}, {srid(pt("-180", "90"), 4326)}, {srid(LINE, 3857)}, {srid(SQUARE, 4326)},
  NULL, NULL, NULL, {srid(f"GeometryCollection({pt('1', '2')}, {LINE}, {EMPTY_GC})", 4326)}),
 (3, {srid(EMPTY_GC, 3857)}, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (4, {srid(HOLED, 2154)}, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE TABLE gis_4326 (id int PRIMARY KEY, g geometry NULL, p point NULL);
INSERT INTO gis_4326 VALUES (1, {srid(LINE, 4326)}, {srid(pt("-0e0", "0"), 4326)}),
 (2, {srid(pt(MAX, TINY), 4326)}, {srid(pt("180", "-90"), 4326)}), (3, {srid(EMPTY_GC, 4326)}, NULL);
CREATE TABLE geog (id int PRIMARY KEY, g geometry NULL, p point NULL);
INSERT INTO geog VALUES
 (1, {srid("LineString(Point(-180, -90), Point(10, 20), Point(0.1e0 + 0.2e0, -0e0), Point(180, 90))", 4326)}, {srid(pt("-180", "-90"), 4326)}),
 (2, {srid(SQUARE, 4326)}, {srid(pt("180", "90"), 4326)}),
 (3, {srid(EMPTY_GC, 4326)}, {srid(pt("-0e0", TINY), 4326)}), (4, NULL, NULL);
"""
POSTGIS_POSTGRES = """
CREATE TABLE gis (id int PRIMARY KEY, g geometry, p geometry(Point), ls geometry(LineString),
  poly geometry(Polygon), mp geometry(MultiPoint), mls geometry, mpoly geometry(MultiPolygon),
  gc geometry(GeometryCollection));
CREATE TABLE gis_4326 (id int PRIMARY KEY, g geometry(Geometry,4326), p geometry(Point,4326));
CREATE TABLE geog (id int PRIMARY KEY, g geography, p geography(Point,4326));
"""

NATIVE_MYSQL = f"""
CREATE TABLE native (id int PRIMARY KEY, p point NULL, gp geometry NULL, ls linestring NULL,
  seg linestring NULL, poly polygon NULL);
INSERT INTO native VALUES
 (1, {pt(MAX, "-" + MAX)}, {pt("-0e0", "-0e0")}, {LINE}, LineString({pt(TINY, MIN_NORMAL)}, {pt("-0e0", MAX)}), {EDGE_POLY}),
 (2, {pt("0.1e0 + 0.2e0", "1e23")}, {pt("-" + TINY, "1e-7")}, LineString(Point(0, 0), Point(1, 1)),
  LineString(Point(1, 2), Point(1, 2)), {SQUARE}),
 (3, NULL, NULL, NULL, NULL, NULL);
"""
NATIVE_POSTGRES = """
CREATE TABLE native (id int PRIMARY KEY, p point, gp point, ls path, seg lseg, poly polygon);
"""


@pytest.fixture(scope="module")
def gis(gis_pair):  # noqa: F811
    gis_pair.mysql(POSTGIS_MYSQL + NATIVE_MYSQL)
    gis_pair.postgres(POSTGIS_POSTGRES + NATIVE_POSTGRES)
    return gis_pair


# --- PostGIS ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["gis", "gis_4326", "geog"])
def test_postgis_values_arrive_with_their_bytes_and_srid(gis, name, tmp_path):
    table = gis.table(name)
    assert gis.migrate(name, tmp_path) == gis.mysql(f"SELECT count(*) FROM {name}")[0][0]
    cols = [c.name for c in table.columns if c.name != "id"]
    mine = gis.mysql(
        f"SELECT id, {', '.join(f'ST_SRID({c}), ST_AsBinary({c})' for c in cols)} FROM {name} ORDER BY id"
    )
    theirs = gis.postgres(
        f"SELECT id, {', '.join(f'ST_SRID({c}), ST_AsBinary({c})' for c in cols)} FROM {name} ORDER BY id"
    )
    assert [
        tuple(
            None if v is None else bytes(v) if isinstance(v, bytes | memoryview) else v for v in r
        )
        for r in theirs
    ] == [tuple(r) for r in mine]
    assert gis.mysql(f"SELECT count(*) FROM {name} WHERE g IS NOT NULL")[0][0] >= 2
    result = gis.parity(name)
    assert result.passed and result.mysql_rows == result.postgres_rows == len(mine), result


def test_postgis_parity_fails_on_one_coordinates_last_bit(gis, tmp_path):
    gis.migrate("gis", tmp_path)
    fingerprint = gis.fingerprint("gis")
    assert gis.parity("gis", fingerprint).passed
    # Byte 5 of the WKB is the lowest byte of the first point's x (little-endian).
    gis.postgres(
        "UPDATE gis SET ls = ST_GeomFromWKB(set_byte(ST_AsBinary(ls), 5, "
        "get_byte(ST_AsBinary(ls), 5) # 1), ST_SRID(ls)) WHERE id = 2"
    )
    result = gis.parity("gis", fingerprint)
    assert not result.passed and result.differing_keys == ["2"], result
    gis.migrate("gis", tmp_path)
    gis.postgres("UPDATE gis SET g = ST_SetSRID(g, 4326) WHERE id = 3")  # same bytes, new SRID
    result = gis.parity("gis", fingerprint)
    assert not result.passed and result.differing_keys == ["3"], result


# --- PostgreSQL's own geometric types ---------------------------------------------------------


def wkb_doubles(wkb: bytes, start: int) -> list[bytes]:
    """The 8 bytes of each coordinate, from WKB offset `start` on (little-endian doubles)."""
    return [wkb[i : i + 8] for i in range(start, len(wkb), 8)]


def text_doubles(text: str) -> list[bytes]:
    """The 8 little-endian bytes of each coordinate of a PostgreSQL geometric text."""
    numbers = [n for n in text.translate(str.maketrans("[]()", "    ")).replace(",", " ").split()]
    return [struct.pack("<d", float(n)) for n in numbers]


WKB_START = {"p": 5, "gp": 5, "ls": 9, "seg": 9, "poly": 13}


def test_native_geometric_values_arrive_bit_for_bit(gis, tmp_path):
    assert gis.migrate("native", tmp_path) == 3
    cols = list(WKB_START)
    mine = {
        r[0]: r[1:]
        for r in gis.mysql(f"SELECT id, {', '.join(f'ST_AsBinary({c})' for c in cols)} FROM native")
    }
    theirs = {
        r[0]: r[1:]
        for r in gis.postgres(f"SELECT id, {', '.join(f'{c}::text' for c in cols)} FROM native")
    }
    assert sorted(mine) == sorted(theirs) == [1, 2, 3]
    for key in mine:
        for c, my, pg in zip(cols, mine[key], theirs[key], strict=True):
            if my is None:
                assert pg is None, (key, c)
                continue
            assert text_doubles(pg) == wkb_doubles(my, WKB_START[c]), (key, c, pg)
    # -0 kept; a path is open; the ring's closing point kept.
    assert gis.postgres("SELECT gp::text, isopen(ls), npoints(poly) FROM native WHERE id = 1") == [
        ("(-0,-0)", True, 4)
    ]
    result = gis.parity("native")
    assert result.passed and result.mysql_rows == result.postgres_rows == 3, result


def flip_last_bit(x: float) -> float:
    return struct.unpack("<d", bytes([struct.pack("<d", x)[0] ^ 1]) + struct.pack("<d", x)[1:])[0]


def test_native_parity_fails_on_one_coordinates_last_bit(gis, tmp_path):
    gis.migrate("native", tmp_path)
    fingerprint = gis.fingerprint("native")
    assert gis.parity("native", fingerprint).passed
    ((x, y),) = gis.postgres("SELECT p[0], p[1] FROM native WHERE id = 2")
    assert flip_last_bit(x) != x
    gis.postgres("UPDATE native SET p = point(%s, %s) WHERE id = 2", (flip_last_bit(x), y))
    result = gis.parity("native", fingerprint)
    assert not result.passed and result.differing_keys == ["2"], result
    gis.migrate("native", tmp_path)
    ((x,),) = gis.postgres("SELECT (poly::text) FROM native WHERE id = 2")  # ((0,0),(10,0),...)
    gis.postgres(
        f"UPDATE native SET poly = '{x.replace('(10,0)', f'({flip_last_bit(10.0)!r},0)')}' WHERE id = 2"
    )
    assert gis.postgres("SELECT npoints(poly) FROM native WHERE id = 2") == [(5,)]
    result = gis.parity("native", fingerprint)
    assert not result.passed and result.differing_keys == ["2"], result
    gis.migrate("native", tmp_path)
    gis.postgres("UPDATE native SET ls = pclose(ls) WHERE id = 2")  # same points, closed
    result = gis.parity("native", fingerprint)
    assert not result.passed and result.differing_keys == ["2"], result


# --- refusals ---------------------------------------------------------------------------------

REFUSED = [
    # (case, MySQL column and rows, PostgreSQL column type, refused keys, words of the reason)
    ("holes", "polygon", f"(1, {SQUARE}), (2, {HOLED})", "polygon", ["2"], "holes"),
    (
        "not_a_point",
        "geometry",
        f"(1, Point(1, 2)), (2, {LINE}), (3, {EMPTY_GC})",
        "point",
        ["2", "3"],
        "point",
    ),
    (
        "srid_into_point",
        "point",
        f"(1, Point(1, 2)), (2, {srid(pt('1', '2'), 4326)})",
        "point",
        ["2"],
        "SRID",
    ),
    (
        "three_points_lseg",
        "linestring",
        f"(1, LineString(Point(0, 0), Point(1, 1))), (2, {LINE})",
        "lseg",
        ["2"],
        "2 points",
    ),
    (
        "srid_0_into_4326",
        "point",
        f"(1, {srid(pt('1', '2'), 4326)}), (2, Point(1, 2))",
        "geometry(Point,4326)",
        ["2"],
        "SRID is not 4326",
    ),
    (
        "line_into_postgis_point",
        "geometry",
        f"(1, Point(1, 2)), (2, {LINE})",
        "geometry(Point)",
        ["2"],
        "point",
    ),
    (
        "out_of_range_geography",
        "geometry",
        f"(1, {srid(pt('180', '90'), 4326)}), (2, {srid('LineString(Point(0, 0), Point(180.00000000000003, 0))', 4326)}), (3, {srid(pt('0', '-90.00000000000001'), 4326)})",
        "geography",
        ["2", "3"],
        "latitude",
    ),
    (
        "srid_0_into_geography",
        "point",
        f"(1, {srid(pt('1', '2'), 4326)}), (2, Point(1, 2))",
        "geography",
        ["2"],
        "SRID is not 4326",
    ),
]


@pytest.mark.parametrize(
    ("case", "mysql_type", "rows", "pg_type", "keys", "words"), REFUSED, ids=[r[0] for r in REFUSED]
)
def test_values_that_cannot_be_exact_are_refused_by_the_export(
    gis, case, mysql_type, rows, pg_type, keys, words, tmp_path
):
    gis.mysql(
        f"CREATE TABLE {case} (id int PRIMARY KEY, v {mysql_type} NULL); INSERT INTO {case} VALUES {rows}"
    )
    gis.postgres(f"CREATE TABLE {case} (id int PRIMARY KEY, v {pg_type})")
    found = gis.refused_keys(case, "v")
    assert sorted(found) == keys and all(any(words in r for r in rs) for rs in found.values()), (
        found
    )
    lines = gis.export(case)
    # Refused by the export itself: PostgreSQL would have taken each of them, changed.
    assert sorted(k for k, line in lines.items() if line is None) == keys
    gis.load(case, [lines["1"]], tmp_path / f"{case}.csv")
    assert gis.parity(case).passed is False  # the refused rows are not in PostgreSQL


def test_spatial_pairs_that_cannot_be_exact_are_unsupported(gis):
    gis.mysql(
        "CREATE TABLE nope (id int PRIMARY KEY, a point, b multipoint, c linestring, d polygon, e point)"
    )
    gis.postgres(
        "CREATE TABLE nope (id int PRIMARY KEY, a path, b point, c geometry(Polygon), d box, e geometry(PointZ))"
    )
    with pytest.raises(UnsupportedTypePair) as e:
        plan_table(gis.table("nope"), gis.target("nope"))
    assert {(c.column, c.postgres_type) for c in e.value.columns} == {
        ("a", "path"),
        ("b", "point"),
        ("c", "geometry(Polygon)"),
        ("d", "box"),
        ("e", "geometry(PointZ)"),
    }


def test_a_polygon_with_holes_fails_its_table_naming_column_and_key(
    make_source, monkeypatch, instance
):
    source = make_source(
        f"CREATE TABLE `zones` (`id` int NOT NULL PRIMARY KEY, `area` polygon NULL);"
        f"INSERT INTO `zones` VALUES (1, {SQUARE}), (6, {HOLED});"
        f"CREATE TABLE `sites` (`id` int NOT NULL PRIMARY KEY, `at` point NULL, `shape` geometry NULL);"
        f"INSERT INTO `sites` VALUES (1, {srid(pt(MAX, '-0e0'), 4326)}, {srid(LINE, 3857)}), (2, NULL, {EMPTY_GC});",
        "CREATE EXTENSION postgis; CREATE TABLE zones (id int PRIMARY KEY, area polygon);"
        "CREATE TABLE sites (id int PRIMARY KEY, at geometry(Point,4326), shape geometry);",
    )
    monkeypatch.setattr("converge_assets.runner.DagsterInstance.get", lambda: instance)
    assert run_source(source.config, "src", "r1") == 1
    failures = [
        str(e.dagster_event.event_specific_data.error)
        for e in instance.all_logs(instance.get_runs()[-1].run_id)
        if e.dagster_event and e.dagster_event.is_step_failure
    ]
    assert any("src.zones.area" in m and "id=6" in m and "holes" in m for m in failures), failures
    assert not any("sites" in m for m in failures), failures
    # The other table moved and passed every check, content parity included.
    assert source.postgres("SELECT id, ST_SRID(at), ST_SRID(shape) FROM sites ORDER BY id") == [
        (1, 4326, 3857),
        (2, None, 0),
    ]
    assert source.postgres("SELECT count(*) FROM zones") == [(0,)]


def test_a_column_named_like_the_point_walk_is_refused():
    """The point walk's ordinality column would shadow a user column of the same name."""
    from converge_assets.engine.catalog import Column, Table
    from converge_assets.engine.target_schema import TargetColumn, TargetTable

    table = Table(
        "t",
        (
            Column("converge_point_n", "int", "int(11)", True),
            Column("ls", "linestring", "linestring", True),
        ),
    )
    target = TargetTable(
        "public",
        "t",
        (
            TargetColumn("converge_point_n", "integer", "int4", True, False),
            TargetColumn("ls", "path", "path", True, False),
        ),
    )
    with pytest.raises(UnsupportedTypePair, match="walks points"):
        plan_table(table, target)
