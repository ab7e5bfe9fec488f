"""conversion.py against the real servers: every tricky value goes MySQL -> CSV -> COPY ->
PostgreSQL and is compared cell by cell as a typed Python value; every bad value is refused;
the content digests agree across both servers. Plus unit tests of plan_table's rules.

The fixture databases are `converge_test_types` on both servers (suffixed with the xdist worker
id when tests run in parallel), created from fixtures/tricky_types_{mysql,postgres}.sql.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import struct
import uuid
from decimal import Decimal
from pathlib import Path

import psycopg
import pymysql
import pytest
from pymysql.constants import CLIENT

from converge_assets.engine.catalog import Column, Table
from converge_assets.engine.conversion import (
    NULL_DIGEST,
    TablePlan,
    UnsupportedTypePair,
    plan_table,
    quote_mysql,
    quote_postgres,
)
from converge_assets.engine.postgres import read_target_schema
from converge_assets.engine.target_schema import TargetColumn, TargetTable
from converge_assets_tests.json_oracle import canonical_json, json_equal

FIXTURES = Path(__file__).parent / "fixtures"
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
DB = "converge_test_types" + (f"_{_worker}" if _worker else "")

TRANSFORMS = {
    "zero_dates": {"d": "zero_date_to_null", "dt": "zero_date_to_null"},
    "blobs_as_text": {"b64b": "base64", "b64t": "base64"},
}
GOOD_TABLES = [
    "texts",
    "latin1_texts",
    "order",
    "my table-Name",
    "integers",
    "decimals",
    "floats",
    "booleans",
    "years",
    "dates",
    "zero_dates",
    "json_docs",
    "binaries",
    "blobs_as_text",
    "uuids",
    "text_bytes",
    "enums_sets",
]


# --- servers --------------------------------------------------------------------------------


def mysql_conn(database: str | None = DB, *, raw: bool = False) -> pymysql.Connection:
    conn = pymysql.connect(
        host="127.0.0.1",
        user="root",
        database=database,
        charset="utf8mb4",
        use_unicode=not raw,
        autocommit=True,
        client_flag=CLIENT.MULTI_STATEMENTS,
    )
    with conn.cursor() as cur:
        cur.execute("SET time_zone = '+00:00'")
    return conn


def pg_conn(database: str = DB) -> psycopg.Connection:
    return psycopg.connect(host="127.0.0.1", user="postgres", dbname=database, autocommit=True)


@pytest.fixture(scope="module")
def dbs():
    with mysql_conn(None) as conn, conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {quote_mysql(DB)}")
        cur.execute(f"CREATE DATABASE {quote_mysql(DB)} CHARACTER SET utf8mb4")
    with pg_conn("postgres") as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {quote_postgres(DB)}")
        conn.execute(f"CREATE DATABASE {quote_postgres(DB)} ENCODING 'UTF8' TEMPLATE template0")
    try:
        with mysql_conn() as conn, conn.cursor() as cur:
            cur.execute((FIXTURES / "tricky_types_mysql.sql").read_text())
            while cur.nextset():
                pass
        with pg_conn() as conn:
            conn.execute((FIXTURES / "tricky_types_postgres.sql").read_text())
        yield DB
    finally:
        with mysql_conn(None) as conn, conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {quote_mysql(DB)}")
        with pg_conn("postgres") as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {quote_postgres(DB)} WITH (FORCE)")


@pytest.fixture(scope="module")
def targets(dbs) -> dict[str, TargetTable]:
    with pg_conn() as conn:
        return read_target_schema(conn, "public")


def mysql_table(name: str) -> Table:
    """The catalog entry of one table, read from information_schema (COLUMN_TYPE kept as is:
    enum labels are case-sensitive)."""
    with mysql_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, CHARACTER_SET_NAME, EXTRA "
            "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s "
            "ORDER BY ORDINAL_POSITION",
            (DB, name),
        )
        columns = tuple(
            Column(n, d.lower(), ct, nl == "YES", cs, (ex or "").lower())
            for n, d, ct, nl, cs, ex in cur.fetchall()
        )
    assert columns, f"no table {name} in MySQL"
    return Table(name, columns, ("id",))


# --- the harness: plan, export with MySQL, COPY into PostgreSQL -------------------------------


def plan_for(name: str, targets: dict[str, TargetTable]) -> tuple[Table, TargetTable, TablePlan]:
    table = mysql_table(name)
    target = targets[name]
    return table, target, plan_table(table, target, TRANSFORMS.get(name))


def export_lines(table: Table, plan: TablePlan) -> list[tuple[int, bytes | None]]:
    """(id, CSV line) per row, in the export session's settings, as bytes like the exporter."""
    with mysql_conn(raw=True) as conn, conn.cursor() as cur:
        cur.execute("SET NAMES utf8mb4")
        cur.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
        cur.execute(f"SELECT id, {plan.line_sql()} FROM {quote_mysql(table.name)} ORDER BY id")
        rows = [(int(i), line) for i, line in cur.fetchall()]
        cur.execute("COMMIT")
    return rows


def csv_header(names: list[str]) -> bytes:
    return (",".join('"' + n.replace('"', '""') + '"' for n in names) + "\n").encode()


def copy_into_postgres(target: TargetTable, plan: TablePlan, lines: list[bytes], path: Path) -> int:
    path.write_bytes(csv_header(plan.column_names) + b"".join(line + b"\n" for line in lines))
    cols = ", ".join(quote_postgres(c) for c in plan.column_names)
    with pg_conn() as conn, conn.cursor() as cur:
        cur.execute(f"TRUNCATE {quote_postgres(target.name)}")
        with (
            cur.copy(
                f"COPY {quote_postgres(target.name)} ({cols}) FROM STDIN (FORMAT csv, HEADER MATCH)"
            ) as copy,
            open(path, "rb") as f,
        ):
            while block := f.read(1 << 20):
                copy.write(block)
        return cur.rowcount


def migrate(name: str, targets: dict[str, TargetTable], tmp_path: Path):
    table, target, plan = plan_for(name, targets)
    rows = export_lines(table, plan)
    refused = [i for i, line in rows if line is None]
    assert not refused, f"{name}: rows {refused} refused"
    copied = copy_into_postgres(target, plan, [line for _, line in rows], tmp_path / f"{name}.csv")
    assert copied == len(rows)
    return table, target, plan


# --- reading both sides as typed Python values -----------------------------------------------


def mysql_rows(table: Table, target: TargetTable, transforms: dict[str, str]) -> dict[int, tuple]:
    exprs = []
    for c in table.columns:
        q = quote_mysql(c.name)
        if c.data_type == "float":
            exprs.append(f"CAST({q} AS DOUBLE)")  # FLOAT's own text has 6 digits
        elif transforms.get(c.name) == "base64" or (
            c.charset and target.column(c.name).udt_name == "bytea"
        ):
            exprs.append(f"CAST({q} AS BINARY)")
        elif c.data_type in ("date", "datetime", "timestamp"):
            exprs.append(f"CAST({q} AS CHAR)")  # zero dates stay visible
        else:
            exprs.append(q)
    with mysql_conn() as conn, conn.cursor() as cur:
        cur.execute(f"SELECT {', '.join(exprs)} FROM {quote_mysql(table.name)} ORDER BY id")
        return {row[0]: row for row in cur.fetchall()}


def postgres_rows(target: TargetTable, names: list[str]) -> dict[int, tuple]:
    exprs = []
    for n in names:
        tc = target.column(n)
        q = quote_postgres(n)
        if tc.udt_name in ("json", "jsonb") or (tc.enum_labels and not tc.is_array):
            exprs.append(f"{q}::text")
        elif tc.udt_name == "time":  # psycopg cannot read 24:00:00: compare microseconds
            exprs.append(f"(EXTRACT(EPOCH FROM {q}) * 1000000)::bigint")
        elif tc.is_array:
            exprs.append(f"{q}::text[]")
        else:
            exprs.append(q)
    with pg_conn() as conn, conn.cursor() as cur:
        cur.execute(f"SELECT {', '.join(exprs)} FROM {quote_postgres(target.name)} ORDER BY id")
        return {row[0]: row for row in cur.fetchall()}


def _mysql_datetime(text: str) -> dt.datetime:
    return (
        dt.datetime.fromisoformat(text.replace(" ", "T"))
        if "." in text
        else dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    )


def _is_zero_date(text: str) -> bool:
    y, m, d = text[:10].split("-")
    return m == "00" or d == "00"


def expected(c: Column, tc: TargetColumn, transform: str | None, v):
    """The Python value PostgreSQL must return for MySQL value `v`."""
    if v is None:
        return None
    dtp, udt = c.data_type, tc.udt_name
    if transform == "base64":
        return v  # compared after decoding
    if dtp in ("date", "datetime", "timestamp"):
        if _is_zero_date(v):
            assert transform == "zero_date_to_null"
            return None
        if dtp == "date":
            return dt.date.fromisoformat(v)
        value = _mysql_datetime(v)
        return value.replace(tzinfo=dt.UTC) if udt == "timestamptz" else value
    if dtp == "time":
        if udt == "interval":
            return v
        return v // dt.timedelta(microseconds=1)
    if udt == "uuid":
        if isinstance(v, bytes):
            return uuid.UUID(bytes=v)
        return None if v == "" else uuid.UUID(v)
    if udt == "bool":
        return bool(int.from_bytes(v, "big")) if isinstance(v, bytes) else bool(v)
    if udt == "bpchar":
        return v.ljust(tc.max_length)
    if tc.is_array:
        return [] if v == "" else v.split(",")
    if udt in ("int2", "int4", "int8"):
        return int(v)
    if udt == "numeric":
        return Decimal(v)
    return v


def same(c: Column, tc: TargetColumn, transform: str | None, my, pg) -> bool:
    want = expected(c, tc, transform, my)
    if want is None or pg is None:
        return want is None and pg is None
    if transform == "base64":
        return base64.b64decode(pg, validate=True) == bytes(my)
    if tc.udt_name == "float4":
        return struct.pack(">f", pg) == struct.pack(">f", want)
    if tc.udt_name == "float8":
        return struct.pack(">d", pg) == struct.pack(">d", want)
    if tc.udt_name == "jsonb":
        return canonical_json(pg) == canonical_json(want)
    if isinstance(want, Decimal):
        return isinstance(pg, Decimal | int) and Decimal(pg) == want
    if isinstance(want, bytes):
        return isinstance(pg, bytes) and pg == want
    return type(pg) is type(want) and pg == want


def compare(table: Table, target: TargetTable, transforms: dict[str, str]) -> list[str]:
    names = table.column_names
    mine, theirs = mysql_rows(table, target, transforms), postgres_rows(target, names)
    problems = []
    if sorted(mine) != sorted(theirs):
        problems.append(f"row ids differ: MySQL {sorted(mine)}, PostgreSQL {sorted(theirs)}")
    for key in sorted(set(mine) & set(theirs)):
        for c, my, pg in zip(table.columns, mine[key], theirs[key], strict=True):
            if not same(c, target.column(c.name), transforms.get(c.name), my, pg):
                problems.append(
                    f"{table.name}.{c.name} id={key}: MySQL {my!r:.200} -> PostgreSQL {pg!r:.200}"
                )
    return problems


# --- round trips ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", GOOD_TABLES)
def test_every_value_arrives_exactly(name, targets, tmp_path):
    table, target, plan = migrate(name, targets, tmp_path)
    assert compare(table, target, TRANSFORMS.get(name, {})) == []


def test_the_comparison_notices_a_changed_value(targets, tmp_path):
    """The harness itself can fail: a one-ulp change in a double and a dropped CR are caught."""
    table, target, _ = migrate("floats", targets, tmp_path)
    with pg_conn() as conn:
        conn.execute(
            "UPDATE floats SET d = 0.30000000000000004::float8 - 5.551115123125783e-17 WHERE id = 9"
        )
    assert [p for p in compare(table, target, {}) if "floats.d id=9" in p]
    table, target, _ = migrate("texts", targets, tmp_path)
    with pg_conn() as conn:
        conn.execute("UPDATE texts SET t = replace(t, E'\\r', '') WHERE id = 8")
    assert [p for p in compare(table, target, {}) if "texts.t id=8" in p]


def test_csv_fields_are_quoted_as_copy_needs(targets):
    table, _, plan = plan_for("texts", targets)
    lines = dict(export_lines(table, plan))
    # id 1: '' is "" (not NULL); id 2: NULL is an empty unquoted field; id 5: \. is quoted.
    assert lines[1].split(b",")[1] == b'""'
    assert lines[2] == b"2,,,,,,"
    assert lines[5].startswith(b'5,"\\.",')
    assert lines[10].startswith(b'10,"say ""hi"" """""')


def test_mariadb_text_rendering_facts(dbs):
    """What the plan relies on: FLOAT's own text has 6 significant digits (so it is widened to
    DOUBLE), DOUBLE's text is exact, and MariaDB cannot store -0."""
    with mysql_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT CAST(f AS CHAR), CAST(CAST(f AS DOUBLE) AS CHAR), CAST(d AS CHAR) FROM floats WHERE id = 1"
        )
        assert cur.fetchone() == ("3.40282e38", "3.4028234663852886e38", "1.7976931348623157e308")
        cur.execute("SELECT ATAN2(d, -1) > 0, ATAN2(-0e0, -1) < 0 FROM floats WHERE id = 7")
        assert cur.fetchone() == (1, 1)


def test_latin1_converts_losslessly(dbs):
    """Why latin1 needs no round-trip refusal: every byte converts to UTF-8 and back."""
    with mysql_conn() as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT CAST(CONVERT(CONVERT(l USING utf8mb4) USING latin1) AS BINARY) = CAST(l AS BINARY), "
            "LENGTH(l) FROM latin1_texts WHERE id = 1"
        )
        assert cur.fetchone() == (1, 255)


def test_a_10_mb_longtext_arrives_exactly(targets, tmp_path):
    chunk = 'line\r\n"quoted", tab\t back\\slash \\. 😀 é\n\r'
    value = (chunk * (10 * 1024 * 1024 // len(chunk.encode()) + 1))[: 10 * 1024 * 1024 // 2] * 2
    assert len(value.encode()) > 10_000_000
    with mysql_conn() as conn, conn.cursor() as cur:
        cur.execute("DELETE FROM big_text")
        cur.execute("INSERT INTO big_text VALUES (1, %s), (2, NULL), (3, '')", (value,))
    table, target, plan = migrate("big_text", targets, tmp_path)
    assert compare(table, target, {}) == []
    with pg_conn() as conn:
        assert conn.execute(
            "SELECT md5(body), length(body) FROM big_text WHERE id = 1"
        ).fetchone() == (
            __import__("hashlib").md5(value.encode()).hexdigest(),
            len(value),
        )
    assert digest_mismatches(table, target, plan) == []


def test_fields_do_not_depend_on_the_session_time_zone(targets):
    table, _, plan = plan_for("dates", targets)
    utc = export_lines(table, plan)
    with mysql_conn(raw=True) as conn, conn.cursor() as cur:
        cur.execute("SET time_zone = '-07:00'")
        cur.execute(f"SELECT id, {plan.line_sql()} FROM dates ORDER BY id")
        elsewhere = [(int(i), line) for i, line in cur.fetchall()]
        cur.execute(
            f"SELECT {', '.join(c.mysql_digest_sql for c in plan.columns)} FROM dates ORDER BY id"
        )
        digests_elsewhere = cur.fetchall()
    assert elsewhere == utc
    with mysql_conn(raw=True) as conn, conn.cursor() as cur:
        cur.execute(
            f"SELECT {', '.join(c.mysql_digest_sql for c in plan.columns)} FROM dates ORDER BY id"
        )
        assert cur.fetchall() == digests_elsewhere


def test_conversions_are_counted(targets):
    with mysql_conn() as conn, conn.cursor() as cur:
        for name, expected_counts in (
            ("uuids", {"u": {"empty_uuid_to_null": 1}, "vu": {"empty_uuid_to_null": 1}}),
            ("zero_dates", {"d": {"zero_date_to_null": 2}, "dt": {"zero_date_to_null": 2}}),
        ):
            _, _, plan = plan_for(name, targets)
            counts = {}
            for c in plan.columns:
                for conv in c.conversions:
                    cur.execute(
                        f"SELECT COALESCE(SUM({conv.condition_sql}), 0) FROM {quote_mysql(name)}"
                    )
                    counts.setdefault(c.column, {})[conv.name] = int(cur.fetchone()[0])
            assert counts == expected_counts


# --- refusals -------------------------------------------------------------------------------

BAD = [
    # (table, column, words of the reason)
    ("bad_nul", "t", "NUL byte"),
    ("bad_zero_date", "d", "zero date"),
    ("bad_zero_in_date", "dt", "zero date"),
    ("bad_zero_timestamp", "ts", "zero date"),
    ("bad_invalid_date", "d", "past the month's end"),
    ("bad_year_zero", "d", "year 0"),
    ("bad_bool", "b", "neither 0 nor 1"),
    ("bad_uuid", "virtualContributorID", "not a UUID"),
    ("bad_uuid_spaces", "u", "not a UUID"),
    ("bad_empty_uuid_not_null", "u", "NOT NULL"),
    ("bad_not_null", "request_url", "NULL into a NOT NULL"),
    ("bad_too_long", "v", "longer than the 5 characters"),
    ("bad_trailing_space_char", "v", "ends in a space"),
    ("bad_range", "n", "outside the range of bigint"),
    ("bad_smallint", "n", "outside the range of smallint"),
    ("bad_decimal_scale", "n", "would round"),
    ("bad_decimal_size", "n", "too large"),
    ("bad_enum_label", "e", "not in PostgreSQL enum"),
    ("bad_set_member", "s", "not in PostgreSQL enum"),
    ("bad_json_number", "j", "JSON number"),
    ("bad_json_escape", "j", "escape"),
    ("bad_json_text", "j", "not valid JSON"),
    ("bad_jsonb_nul", "j", "\\u0000"),
    ("bad_time", "t", "outside 00:00:00"),
    ("bad_precision", "dt", "fractional digits"),
    ("bad_varbinary_uuid", "u", "not 16 bytes"),
]


@pytest.mark.parametrize(("name", "column", "reason"), BAD, ids=[b[0] for b in BAD])
def test_bad_values_are_refused(name, column, reason, targets, tmp_path):
    table, target, plan = plan_for(name, targets)
    lines = dict(export_lines(table, plan))
    assert lines[1] is not None, "row 1 holds a good value"
    bad_ids = sorted(i for i in lines if i != 1)
    # The refusal conditions find exactly the refused rows, and say why.
    cplan = next(c for c in plan.columns if c.column == column)
    found = {}
    with mysql_conn() as conn, conn.cursor() as cur:
        for refusal in cplan.refusals:
            cur.execute(
                f"SELECT id FROM {quote_mysql(name)} WHERE {refusal.condition_sql} ORDER BY id"
            )
            for (i,) in cur.fetchall():
                found.setdefault(i, []).append(refusal)
    assert sorted(found) == bad_ids
    assert all(any(reason in r.reason for r in rs) for rs in found.values()), found
    # Each bad row is refused: by the export's SELECT (its line is NULL), or, where
    # PostgreSQL's own input functions reject the value, by COPY (the load rolls back).
    for i in bad_ids:
        if all(r.postgres_rejects for r in found[i]):
            assert lines[i] is not None
            with pytest.raises((psycopg.errors.DataError, psycopg.errors.IntegrityError)):
                copy_into_postgres(target, plan, [lines[i]], tmp_path / f"{name}.csv")
        else:
            assert lines[i] is None
    # The good row alone loads.
    copy_into_postgres(target, plan, [lines[1]], tmp_path / f"{name}.csv")


def test_refusals_the_export_tests_guard_against_silent_changes(targets, tmp_path):
    """Why some refusals are tested per row in MySQL: without them PostgreSQL accepts the
    value, changed (padded, rounded, or a zero TIMESTAMP read as 1970)."""
    for name in (
        "bad_trailing_space_char",
        "bad_precision",
        "bad_decimal_scale",
        "bad_zero_timestamp",
    ):
        table, target, plan = plan_for(name, targets)
        (c,) = [c for c in plan.columns if c.column != "id"]
        assert c.field_sql.startswith("CASE WHEN ") and " THEN NULL " in c.field_sql
        unrefused = "CASE " + c.field_sql.split(" THEN NULL ", 1)[1]
        q = quote_mysql(c.column)
        with mysql_conn(raw=True) as conn, conn.cursor() as cur:
            cur.execute(
                f"SELECT CONCAT(id, ',', {unrefused}), CAST({q} AS CHAR) "
                f"FROM {quote_mysql(name)} WHERE id = 2"
            )
            line, original = cur.fetchone()
        copy_into_postgres(target, plan, [line], tmp_path / f"{name}.csv")  # accepted
        with pg_conn() as conn:
            stored = conn.execute(
                f"SELECT {quote_postgres(c.column)}::text FROM {quote_postgres(name)}"
            ).fetchone()[0]
        assert stored != original.decode(), name


def test_unsupported_pairs_are_named_all_at_once(targets):
    table = mysql_table("unsupported_pairs")
    with pytest.raises(UnsupportedTypePair) as e:
        plan_table(table, targets["unsupported_pairs"])
    found = {c.column: (c.mysql_type, c.postgres_type) for c in e.value.columns}
    assert found == {
        "g": ("point", "text"),
        "b8": ("bit(8)", "boolean"),
        "d": ("double", "real"),
        "bl": ("blob", "text"),
        "dt": ("datetime", "date"),
        "i": ("int(11)", "boolean"),
    }
    text = str(e.value)
    for words in (
        "unsupported_pairs",
        "'g'",
        "point",
        "bit(8)",
        "boolean",
        "double",
        "real",
        "base64",
    ):
        assert words in text


# --- content parity -------------------------------------------------------------------------


def digest_mismatches(table: Table, target: TargetTable, plan: TablePlan) -> list[str]:
    """Every digest (and every key digest, as if each column were a key) equal on both
    servers, value by value."""
    sql_cols = [c for c in plan.columns if c.mysql_digest_sql is not None]
    py_cols = [c for c in plan.columns if c.mysql_digest_sql is None]
    assert all(c.postgres_digest_sql is None for c in py_cols)
    key_cols = [c for c in sql_cols if c.mysql_key_digest_sql is not None]
    assert all(c.postgres_key_digest_sql is not None for c in key_cols)
    my_exprs = [c.mysql_digest_sql for c in sql_cols] + [quote_mysql(c.column) for c in py_cols]
    pg_exprs = [c.postgres_digest_sql for c in sql_cols] + [
        f"{quote_postgres(c.column)}::text" for c in py_cols
    ]
    my_exprs += [c.mysql_key_digest_sql for c in key_cols]
    pg_exprs += [c.postgres_key_digest_sql for c in key_cols]
    with mysql_conn() as conn, conn.cursor() as cur:
        cur.execute(f"SELECT id, {', '.join(my_exprs)} FROM {quote_mysql(table.name)} ORDER BY id")
        mine = cur.fetchall()
    with pg_conn() as conn:
        theirs = conn.execute(
            f"SELECT id, {', '.join(pg_exprs)} FROM {quote_postgres(target.name)} ORDER BY id"
        ).fetchall()
    assert len(mine) == len(theirs)
    key_start = 1 + len(sql_cols) + len(py_cols)
    problems: dict[tuple[str, object], str] = {}  # one per value, whichever digest differs
    for m, p in zip(mine, theirs, strict=True):
        for i, c in enumerate(sql_cols, start=1):
            assert m[i] is not None and p[i] is not None, "a digest is never SQL NULL"
            if c.mysql_key_digest_sql is None:  # the digest is also the key's
                assert "," not in m[i] and "|" not in m[i]
            if m[i] != p[i]:
                problems[c.column, m[0]] = (
                    f"{c.column} id={m[0]}: MySQL {m[i]!r} PostgreSQL {p[i]!r}"
                )
        for i, c in enumerate(py_cols, start=1 + len(sql_cols)):
            if not json_equal(m[i], p[i]):
                problems[c.column, m[0]] = (
                    f"{c.column} id={m[0]}: MySQL {m[i]!r} PostgreSQL {p[i]!r}"
                )
        for i, c in enumerate(key_cols, start=key_start):
            assert "," not in m[i] and "|" not in m[i], "a key's digest goes into CSV fields"
            if m[i] != p[i]:
                problems.setdefault(
                    (c.column, m[0]),
                    f"key {c.column} id={m[0]}: MySQL {m[i]!r} PostgreSQL {p[i]!r}",
                )
    return list(problems.values())


@pytest.mark.parametrize("name", GOOD_TABLES)
def test_digests_match_across_servers(name, targets, tmp_path):
    table, target, plan = migrate(name, targets, tmp_path)
    assert digest_mismatches(table, target, plan) == []


def test_digests_notice_changes(targets, tmp_path):
    changes = {
        "floats": "UPDATE floats SET d = 0.30000000000000004::float8 - 5.551115123125783e-17 WHERE id = 9",
        "texts": "UPDATE texts SET t = 'NULL ' WHERE id = 3",
        "dates": "UPDATE dates SET dt6 = dt6 + interval '1 microsecond' WHERE id = 3",
        "uuids": "UPDATE uuids SET u = NULL WHERE id = 1",
        "binaries": "UPDATE binaries SET lb = lb || '\\x00'::bytea WHERE id = 1",
        "decimals": "UPDATE decimals SET d65 = d65 - 0.000000000000000000000000000001 WHERE id = 1",
        "json_docs": 'UPDATE json_docs SET jb = \'{"b": 1, "a": [1, 2, {"c": 0}]}\' WHERE id = 1',
    }
    for name, change in changes.items():
        table, target, plan = migrate(name, targets, tmp_path)
        with pg_conn() as conn:
            conn.execute(change)
        assert len(digest_mismatches(table, target, plan)) == 1, name


def test_content_parity_compares_jsonb_as_postgres_parses_mysqls_text(targets, tmp_path):
    """The product's check (not the oracle above): every jsonb value of the fixture, escapes,
    big numbers and nesting included, compares equal, and one changed value is named."""
    from converge_assets.engine.config import SourceConfig
    from converge_assets.engine.export import Snapshot
    from converge_assets.engine.parity import content_parity
    from converge_assets.resources import MySQLResource, PostgresResource

    table, target, plan = migrate("json_docs", targets, tmp_path)
    source = SourceConfig(name="types", mysql_database=DB, postgres_database=DB)
    servers = (
        MySQLResource(url="mysql://root@127.0.0.1:3306"),
        PostgresResource(url="postgresql://postgres@127.0.0.1:5432"),
    )
    with Snapshot(servers[0], source, table, plan) as snapshot:
        fingerprint = snapshot.fingerprint(servers[1])
    assert fingerprint.json_buckets
    result = content_parity(*servers, source, table, "public", plan, fingerprint)
    assert result.passed and result.jsonb_columns == ["jb"], result
    assert result.mysql_rows == result.postgres_rows == 13
    with pg_conn() as conn:
        conn.execute("""UPDATE json_docs SET jb = '{"big": 1}' WHERE id = 6""")
    result = content_parity(*servers, source, table, "public", plan, fingerprint)
    assert not result.passed and result.differing_buckets == 1
    assert result.differing_keys == ["6"]
    # The other columns' sums of a table with jsonb come from the same MySQL scan.
    with pg_conn() as conn:
        conn.execute("""UPDATE json_docs SET jt = jt || ' ' WHERE id = 9""")
    result = content_parity(*servers, source, table, "public", plan, fingerprint)
    assert not result.passed and result.differing_keys == ["6", "9"]


# --- plan_table unit tests ------------------------------------------------------------------


def col(
    name="c", data_type="varchar", column_type="varchar(36)", nullable=True, charset="utf8mb4"
) -> Column:
    return Column(name, data_type, column_type, nullable, charset if data_type in TEXTISH else None)


TEXTISH = {"char", "varchar", "text", "tinytext", "mediumtext", "longtext", "enum", "set"}


def tcol(name="c", data_type="text", udt=None, nullable=True, **kw) -> TargetColumn:
    return TargetColumn(name, data_type, udt or data_type, nullable, False, **kw)


def plan1(c: Column, t: TargetColumn, transform: str | None = None):
    plan = plan_table(
        Table("t", (c,)),
        TargetTable("public", "t", (t,)),
        {c.name: transform} if transform else None,
    )
    return plan.columns[0]


def test_quote_identifiers():
    assert quote_mysql("order") == "`order`"
    assert quote_mysql("back`tick") == "`back``tick`"
    assert quote_postgres('quo"te') == '"quo""te"'
    assert quote_postgres("camelCase") == '"camelCase"'


def test_line_sql_joins_every_field_with_commas():
    t = Table("t", (col("a"), col("b", "int", "int(11)")))
    target = TargetTable("public", "t", (tcol("a"), tcol("b", "integer", "int4")))
    plan = plan_table(t, target)
    assert (
        plan.line_sql() == f"CONCAT({plan.columns[0].field_sql}, ',', {plan.columns[1].field_sql})"
    )
    assert "`a`" in plan.columns[0].field_sql and "`b`" in plan.columns[1].field_sql


def test_varchar_target_refuses_long_values_and_nul():
    p = plan1(
        col(column_type="varchar(255)"),
        tcol(data_type="character varying(36)", udt="varchar", max_length=36),
    )
    conds = [r.condition_sql for r in p.refusals]
    assert any("CHAR_LENGTH(`c`) > 36" in c for c in conds)
    assert any("X'00'" in c for c in conds)
    assert "36 characters" in p.rule or "36" in " ".join(r.reason for r in p.refusals)


def test_latin1_is_converted():
    p = plan1(col(column_type="varchar(10)", charset="latin1"), tcol())
    assert "CONVERT(`c` USING utf8mb4)" in p.field_sql
    assert "latin1" in p.rule
    p = plan1(col(column_type="varchar(10)", charset="cp1251"), tcol())
    assert any("USING cp1251" in r.condition_sql for r in p.refusals)


def test_not_null_target_refuses_null_only_when_mysql_allows_it():
    p = plan1(col(nullable=True), tcol(nullable=False))
    assert [r.condition_sql for r in p.refusals if "IS NULL" in r.condition_sql] == ["`c` IS NULL"]
    p = plan1(col(nullable=False), tcol(nullable=False))
    assert not [r for r in p.refusals if "IS NULL" in r.condition_sql]


def test_empty_uuid_is_a_counted_conversion_or_a_refusal():
    p = plan1(col(column_type="char(36)", data_type="char"), tcol(data_type="uuid"))
    assert [c.name for c in p.conversions] == ["empty_uuid_to_null"]
    p = plan1(col(column_type="char(36)", data_type="char"), tcol(data_type="uuid", nullable=False))
    assert p.conversions == ()
    assert any("empty_uuid_to_null" in r.reason for r in p.refusals)


def test_tinyint_into_boolean_accepts_only_0_and_1():
    p = plan1(
        col(data_type="tinyint", column_type="tinyint(1)"), tcol(data_type="boolean", udt="bool")
    )
    assert [r.condition_sql for r in p.refusals] == ["`c` <> 0 AND `c` <> 1"]


def test_integer_ranges():
    def refusal(column_type, data_type, udt):
        c = col(data_type=column_type.split("(")[0].split()[0], column_type=column_type)
        return [r.condition_sql for r in plan1(c, tcol(data_type=data_type, udt=udt)).refusals]

    assert refusal("bigint(20) unsigned", "bigint", "int8") == ["`c` > 9223372036854775807"]
    assert refusal("bigint(20) unsigned", "numeric", "numeric") == []
    assert refusal("int(10) unsigned", "integer", "int4") == ["`c` > 2147483647"]
    assert refusal("int(10) unsigned", "bigint", "int8") == []
    assert refusal("smallint(6)", "smallint", "int2") == []
    assert refusal("int(11)", "smallint", "int2") == ["`c` < -32768 OR `c` > 32767"]
    assert refusal("int(11)", "numeric(5,0)", "numeric") == ["`c` < -99999 OR `c` > 99999"]


def test_enum_labels_missing_from_the_target_are_refused_by_index():
    c = col(data_type="enum", column_type="enum('a','B','it''s')")
    p = plan1(c, tcol(data_type="mood", udt="mood", enum_labels=("a", "it's")))
    assert [r.condition_sql for r in p.refusals] == ["`c` + 0 IN (0, 2)"]
    assert "'B'" in p.refusals[0].reason
    p = plan1(c, tcol(data_type="mood", udt="mood", enum_labels=("", "a", "B", "it's")))
    assert p.refusals == ()


def test_set_into_an_enum_array_refuses_missing_members_by_bit():
    c = col(data_type="set", column_type="set('x','y','w')")
    p = plan1(c, tcol(data_type="xy[]", udt="_xy", enum_labels=("x", "y"), is_array=True))
    assert [r.condition_sql for r in p.refusals] == ["(`c` + 0) & 4 <> 0"]


def test_dates_refuse_zero_dates_unless_transformed():
    c = col(data_type="datetime", column_type="datetime(6)")
    t = tcol(data_type="timestamp(6) without time zone", udt="timestamp")
    p = plan1(c, t)
    assert any("zero date" in r.reason for r in p.refusals) and p.conversions == ()
    p = plan1(c, t, "zero_date_to_null")
    assert [x.name for x in p.conversions] == ["zero_date_to_null"]
    assert not any("zero date" in r.reason for r in p.refusals)


def test_timestamptz_gets_utc_marker_and_precision_is_checked():
    c = col(data_type="datetime", column_type="datetime(6)")
    p = plan1(c, tcol(data_type="timestamp(3) with time zone", udt="timestamptz"))
    assert "'+00'" in p.field_sql
    assert any(r.condition_sql == "MICROSECOND(`c`) % 1000 <> 0" for r in p.refusals)
    p = plan1(
        col(data_type="datetime", column_type="datetime"),
        tcol(data_type="timestamp(0) without time zone", udt="timestamp"),
    )
    assert not any("MICROSECOND" in r.condition_sql for r in p.refusals)


def test_jsonb_has_no_sql_digest_but_json_does():
    c = col(data_type="longtext", column_type="longtext")
    assert plan1(c, tcol(data_type="jsonb")).mysql_digest_sql is None
    assert plan1(c, tcol(data_type="jsonb")).postgres_digest_sql is None
    assert plan1(c, tcol(data_type="json")).mysql_digest_sql is not None


def test_transforms_are_checked():
    with pytest.raises(UnsupportedTypePair, match="unknown transform 'rot13'"):
        plan1(col(), tcol(), "rot13")
    with pytest.raises(UnsupportedTypePair, match="zero_date_to_null applies"):
        plan1(
            col(data_type="int", column_type="int(11)"),
            tcol(data_type="integer", udt="int4"),
            "zero_date_to_null",
        )
    with pytest.raises(UnsupportedTypePair, match="names no column"):
        plan_table(Table("t", (col(),)), TargetTable("public", "t", (tcol(),)), {"nope": "base64"})
    p = plan1(col(data_type="longblob", column_type="longblob"), tcol(), "base64")
    assert "TO_BASE64" in p.field_sql


def test_missing_target_column_and_unsupported_pairs_are_collected():
    t = Table("t", (col("a", "geometry", "geometry"), col("b"), col("c", "double", "double")))
    target = TargetTable("public", "t", (tcol("a"), tcol("c", "real", "float4")))
    with pytest.raises(UnsupportedTypePair) as e:
        plan_table(t, target)
    assert [(c.column, c.mysql_type, c.postgres_type) for c in e.value.columns] == [
        ("a", "geometry", "text"),
        ("b", "varchar(36)", "(no such column)"),
        ("c", "double", "real"),
    ]


def test_no_backslash_in_any_mysql_literal():
    """The SQL means the same under NO_BACKSLASH_ESCAPES: no literal carries a backslash."""
    cases = [
        (col(), tcol()),
        (
            col(data_type="set", column_type="set('a\\\\b')"),
            tcol(data_type="text[]", udt="_text", is_array=True),
        ),
        (col(data_type="blob", column_type="blob"), tcol(data_type="bytea")),
        (col(data_type="longtext", column_type="longtext"), tcol(data_type="jsonb")),
    ]
    for c, t in cases:
        p = plan1(c, t)
        assert "\\" not in p.field_sql + "".join(r.condition_sql for r in p.refusals) + (
            p.mysql_digest_sql or ""
        )


def test_canonical_json():
    assert canonical_json('{"b": 1.0, "a": [true, null, "\\u00e9"]}') == canonical_json(
        '{"a":[true,null,"é"],"b":1}'
    )
    assert canonical_json("[1]") != canonical_json("[true]")
    assert canonical_json('{"a": 1e2}') == canonical_json('{"a": 100}')
    assert canonical_json("123456789012345678901234567890") != canonical_json(
        "123456789012345678901234567891"
    )
    assert json_equal(None, None) and not json_equal("null", None)
    assert not json_equal('{"a": 1, "a": 2}', '{"a": 2}')


def test_null_digest_marker():
    p = plan1(col(), tcol())
    assert f"'{NULL_DIGEST}'" in p.mysql_digest_sql and f"'{NULL_DIGEST}'" in p.postgres_digest_sql
