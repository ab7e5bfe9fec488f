"""bit(n) against the real servers: into bit(n), bit varying, bytea, boolean and integer types,
every value compared with MySQL's, leading zero bits kept, content parity passing and able to
fail; a value an integer target cannot hold is refused, naming table, column and row."""

from __future__ import annotations

from decimal import Decimal

import pytest

from converge_assets.engine.conversion import UnsupportedTypePair, plan_table
from converge_assets.runner import run_source
from converge_assets_tests.pair_harness import gis_pair, pair  # noqa: F401 (fixtures)

ONES = {n: 2**n - 1 for n in (1, 5, 8, 16, 63, 64)}
# Per row: b1, b5, b8, b16, b63, b64 as integers (MySQL b'...' literals below).
VALUES = {
    1: (0, 0, 0, 0, 0, 0),  # all zero
    2: tuple(ONES[n] for n in (1, 5, 8, 16, 63, 64)),  # all one
    3: (1, 0b00001, 0b00000101, 0b0000000000000001, 1, 1),  # leading zero bits
    4: (0, 0b10000, 0b10000000, 0b1000000000000000, 2**62, 2**63),  # only the top bit
    5: (None, None, None, None, None, None),
}
WIDTHS = (1, 5, 8, 16, 63, 64)
COLUMNS = ("b1", "b5", "b8", "b16", "b63", "b64")


def mysql_rows() -> str:
    def literal(v: int | None, n: int) -> str:
        return "NULL" if v is None else f"b'{v:0{n}b}'"

    return ", ".join(
        f"({i}, " + ", ".join(literal(v, n) for v, n in zip(vs, WIDTHS, strict=True)) + ")"
        for i, vs in VALUES.items()
    )


MYSQL_COLUMNS = ", ".join(f"`{c}` bit({n}) NULL" for c, n in zip(COLUMNS, WIDTHS, strict=True))
TARGETS = {
    "bits_as_bits": ("bit(1)", "bit(5)", "bit varying(8)", "bit(16)", "bit(63)", "bit varying"),
    "bits_as_bytes": ("bytea",) * 6,
    # b64 into numeric: every bit(64) value fits; bigint is tested with its refusal below.
    "bits_as_ints": ("boolean", "smallint", "smallint", "integer", "bigint", "numeric(20,0)"),
}


@pytest.fixture(scope="module")
def bits(pair):  # noqa: F811
    for name, types in TARGETS.items():
        pair.mysql(
            f"CREATE TABLE `{name}` (id int PRIMARY KEY, {MYSQL_COLUMNS});"
            f"INSERT INTO `{name}` VALUES {mysql_rows()}"
        )
        pair.postgres(
            f"CREATE TABLE {name} (id int PRIMARY KEY, "
            + ", ".join(f"{c} {t}" for c, t in zip(COLUMNS, types, strict=True))
            + ")"
        )
    return pair


def expected(pg_type: str, n: int, v: int | None):
    if v is None:
        return None
    if pg_type.startswith("bit"):
        return f"{v:0{n}b}"
    if pg_type == "bytea":
        return v.to_bytes((n + 7) // 8, "big")
    if pg_type == "boolean":
        return bool(v)
    if pg_type.startswith("numeric"):
        return Decimal(v)
    return v


@pytest.mark.parametrize("name", list(TARGETS))
def test_every_bit_value_arrives_exactly(bits, name, tmp_path):
    assert bits.migrate(name, tmp_path) == len(VALUES)
    # What MySQL holds, read as integers, is what the test's literals say.
    mine = {
        r[0]: r[1:]
        for r in bits.mysql(f"SELECT id, {', '.join(f'`{c}` + 0' for c in COLUMNS)} FROM `{name}`")
    }
    assert {i: tuple(None if v is None else int(v) for v in vs) for i, vs in mine.items()} == VALUES
    exprs = ", ".join(
        f"{c}::text" if t.startswith("bit") else c
        for c, t in zip(COLUMNS, TARGETS[name], strict=True)
    )
    theirs = {r[0]: r[1:] for r in bits.postgres(f"SELECT id, {exprs} FROM {name}")}
    want = {
        i: tuple(expected(t, n, v) for t, n, v in zip(TARGETS[name], WIDTHS, vs, strict=True))
        for i, vs in VALUES.items()
    }
    assert theirs == want
    result = bits.parity(name)
    assert result.passed and result.mysql_rows == result.postgres_rows == len(VALUES), result


def test_bit_parity_fails_on_one_changed_bit(bits, tmp_path):
    bits.migrate("bits_as_bits", tmp_path)
    fingerprint = bits.fingerprint("bits_as_bits")
    assert bits.parity("bits_as_bits", fingerprint).passed
    # A leading zero lost (bit varying(8) keeps any length up to 8) must be seen.
    bits.postgres("UPDATE bits_as_bits SET b8 = B'101' WHERE id = 3")
    result = bits.parity("bits_as_bits", fingerprint)
    assert not result.passed and result.differing_keys == ["3"], result
    bits.migrate("bits_as_bytes", tmp_path)
    fingerprint = bits.fingerprint("bits_as_bytes")
    bits.postgres("UPDATE bits_as_bytes SET b64 = set_byte(b64, 7, 1) WHERE id = 4")
    result = bits.parity("bits_as_bytes", fingerprint)
    assert not result.passed and result.differing_keys == ["4"], result


def test_bit_pairs_that_cannot_be_exact_are_unsupported(bits):
    bits.mysql("CREATE TABLE narrow (id int PRIMARY KEY, a bit(8), b bit(8), c bit(2))")
    bits.postgres(
        "CREATE TABLE narrow (id int PRIMARY KEY, a bit(16), b bit varying(4), c boolean)"
    )
    with pytest.raises(UnsupportedTypePair) as e:
        plan_table(bits.table("narrow"), bits.target("narrow"))
    assert {(c.column, c.mysql_type, c.postgres_type) for c in e.value.columns} == {
        ("a", "bit(8)", "bit(16)"),
        ("b", "bit(8)", "bit varying(4)"),
        ("c", "bit(2)", "boolean"),
    }


def test_bit64_into_bigint_refuses_values_above_its_range(bits):
    bits.mysql(
        "CREATE TABLE big (id int PRIMARY KEY, b bit(64));"
        "INSERT INTO big VALUES (1, b'0111111111111111111111111111111111111111111111111111111111111111'),"
        "(2, b'1000000000000000000000000000000000000000000000000000000000000000'), (3, NULL)"
    )
    bits.postgres("CREATE TABLE big (id int PRIMARY KEY, b bigint)")
    assert bits.refused_keys("big", "b") == {
        "2": ["outside the range of bigint (-9223372036854775808 .. 9223372036854775807)"]
    }


def test_a_refused_bit_value_fails_its_table_naming_column_and_key(
    make_source, monkeypatch, instance
):
    source = make_source(
        "CREATE TABLE `flags` (`id` int NOT NULL PRIMARY KEY, `mask` bit(64) NULL);"
        "INSERT INTO `flags` VALUES (1, b'0'), (7, b'1111111111111111111111111111111111111111111111111111111111111111');",
        "CREATE TABLE flags (id int PRIMARY KEY, mask bigint);",
    )
    monkeypatch.setattr("converge_assets.runner.DagsterInstance.get", lambda: instance)
    assert run_source(source.config, "src", "r1") == 1
    failure = next(
        e
        for e in instance.all_logs(instance.get_runs()[-1].run_id)
        if e.dagster_event and e.dagster_event.is_step_failure
    )
    message = str(failure.dagster_event.event_specific_data.error)
    assert "src.flags.mask" in message and "id=7" in message and "bigint" in message, message
    assert source.postgres("SELECT count(*) FROM flags") == [(0,)]
