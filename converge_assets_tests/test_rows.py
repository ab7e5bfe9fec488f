"""The right row, always: a value PostgreSQL refuses is named with the row and the column that
hold it, whatever line breaks the rows before it hold; target columns PostgreSQL computes
(generated, identity) are judged before a row moves; a value over 16 MiB arrives exact."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pymysql
import pytest
from dagster import DagsterInstance

from converge_assets import checks
from converge_assets.engine.refusals import RejectedByPostgres, record_at_line
from converge_assets_tests.conftest import converge, converge_env, mysql_connect, postgres_connect

# Keys in export order (InnoDB reads a table in primary key order).
K = [f"0{i}000000-0000-4000-8000-00000000000{i}" for i in range(1, 8)]

# Rows before the bad one hold line breaks inside quoted fields: several LFs, CRLFs, lone CRs,
# quotes and commas. PostgreSQL's `line N` counts the LFs; a CSV record number does not.
MULTILINE = [
    "'one\\ntwo\\nthree\\nfour'",
    "'crlf\\r\\nand\\r\\nmore\\r\\n'",
    "'lone\\rcarriage\\rreturns\\r'",
    "'\"quoted\"\\n,comma,\\r\\n\\n'",
]

REFERENCE = (
    "CREATE TABLE `reference` (`id` char(36) NOT NULL PRIMARY KEY, `title` text NOT NULL,"
    " `description` text NULL);"
    "INSERT INTO `reference` VALUES "
    + ", ".join(f"('{k}', {m}, {m})" for k, m in zip(K, MULTILINE, strict=False))
    # The bad row: its NUL byte follows line breaks of its own field; the title beside it is
    # clean, so only the description can be named.
    + f", ('{K[4]}', 'fine\\ntitle', CONCAT('multi\\nline\\r\\n', CHAR(0), 'after\\nit'))"
    + f", ('{K[5]}', 'later', CONCAT('also', CHAR(0))), ('{K[6]}', 'x', 'y');"
)
REFERENCE_PG = (
    "CREATE TABLE reference (id uuid PRIMARY KEY, title text NOT NULL, description text);"
)

FLAGS = (
    "CREATE TABLE `flags` (`id` char(36) NOT NULL PRIMARY KEY, `note` text NULL,"
    " `active` tinyint(1) NOT NULL);"
    "INSERT INTO `flags` VALUES "
    + ", ".join(f"('{k}', {m}, 1)" for k, m in zip(K, MULTILINE, strict=False))
    # The bad row's own note spans lines before the refused boolean.
    + f", ('{K[4]}', 'a\\nb\\r\\nc\\rd', 2), ('{K[5]}', 'z', 3), ('{K[6]}', 'ok', 0);"
)
FLAGS_PG = "CREATE TABLE flags (id uuid PRIMARY KEY, note text, active boolean NOT NULL);"

GOOD = "CREATE TABLE `good` (`id` int NOT NULL PRIMARY KEY); INSERT INTO `good` VALUES (1);"
GOOD_PG = "CREATE TABLE good (id int PRIMARY KEY);"

EXPECTED = {  # table -> (column named, words of the reason)
    "reference": ("description", "NUL"),
    "flags": ("active", "boolean"),
}


def _names_the_right_row(text: str, table: str) -> None:
    column, word = EXPECTED[table]
    assert f"src.{table}.{column}:" in text, text
    assert f"id='{K[4]}'" in text, text
    assert not any(k in text for k in K[:4] + K[5:]), text
    assert word.lower() in text.lower(), text


def test_a_refused_value_names_its_row_and_column_after_multiline_rows(
    make_source, dagster_home, monkeypatch
):
    source = make_source(GOOD + REFERENCE + FLAGS, GOOD_PG + REFERENCE_PG + FLAGS_PG)
    home, dagster_url = dagster_home
    out = converge("run", "--source", "src", "--run", "r1", env=converge_env(source, dagster_home))
    assert out.returncode == 1, out.stdout + out.stderr

    # The CLI: one line per failed table, its reason naming the row and the column.
    lines = {
        line.strip().split(":", 1)[0]: line.strip()
        for line in out.stdout.splitlines()
        if line.startswith("  ")
    }
    for table in EXPECTED:
        _names_the_right_row(lines[table], table)
    assert "good" not in lines
    assert source.postgres("SELECT count(*) FROM good") == [(1,)]

    # The table step's failure says the same, so the UI shows it on the run page.
    monkeypatch.setenv("DAGSTER_POSTGRES_URL", dagster_url)
    with DagsterInstance.from_config(str(home)) as instance:
        failures = source.failures(instance, "r1")
        for table in EXPECTED:
            assert failures[table].export_again
            _names_the_right_row(failures[table].reason, table)


def _csv_field(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _copy_refusal(conn: psycopg.Connection, path) -> psycopg.Error:
    copy = "COPY lines (id, note, flag) FROM STDIN (FORMAT csv, HEADER MATCH)"
    with (
        pytest.raises(psycopg.DataError) as refused,
        conn.transaction(),
        conn.cursor() as cur,
        cur.copy(copy) as c,
    ):
        c.write(path.read_bytes())
    return refused.value


def test_copys_line_number_maps_to_its_record_on_the_real_server(tmp_path):
    """Every record of a file of tricky line breaks made bad in turn: the line PostgreSQL 15
    names is mapped back to that record, for a refused value (named at the record's end) and
    for a NUL byte (named at the line that holds it)."""
    random = __import__("random").Random(7)
    pieces = ["a", "\n", "\r\n", "\r", '"', ",", "\\.", "x y"]
    notes = [
        "".join(random.choice(pieces) for _ in range(random.randrange(0, 8))) for _ in range(25)
    ]
    with postgres_connect() as conn:
        conn.execute("CREATE TEMP TABLE lines (id int, note text, flag boolean)")
        for bad in range(len(notes)):
            for kind in ("boolean", "nul"):
                path = tmp_path / f"{kind}{bad}.csv"
                rows = []
                for i, note in enumerate(notes):
                    if i == bad and kind == "nul":
                        note = note[: len(note) // 2] + "\x00" + note[len(note) // 2 :]
                    rows.append([str(i), note, "2" if i == bad and kind == "boolean" else "t"])
                lines = [f"{i},{_csv_field(note)},{flag}\n" for i, note, flag in rows]
                path.write_bytes(("id,note,flag\n" + "".join(lines)).encode())
                refused = _copy_refusal(conn, path)
                rejection = RejectedByPostgres.from_copy_error(
                    str(refused), refused.diag.context or "", path
                )
                assert rejection.line is not None, refused.diag.context
                assert record_at_line(path, rejection.line) == (bad + 2, rows[bad]), (kind, bad)


def test_a_nul_byte_is_named_by_its_column_in_a_table_without_primary_key(make_source, instance):
    """Without a key MySQL cannot be asked which column broke a refusal: the CSV record says."""
    source = make_source(
        "CREATE TABLE `nokey` (`code` varchar(10) NOT NULL, `title` text, `body` text);"
        "INSERT INTO `nokey` VALUES ('a', 'x\\ny', 'one\\r\\ntwo'), ('b', 'p\\rq', '\\n\\n'),"
        " ('c', 'fine', CONCAT('multi\\nline', CHAR(0)));",
        "CREATE TABLE nokey (code varchar(10) NOT NULL, title text, body text);",
    )
    result = source.migrate(instance)
    assert not result.success
    refused = source.failures(instance)["nokey"].reason
    assert "src.nokey.body:" in refused, refused
    assert "code='c'" in refused, refused


# --- target columns PostgreSQL computes -------------------------------------------------------


def test_a_generated_target_column_fed_by_the_csv_blocks_its_table_naming_the_column(
    make_source, instance
):
    source = make_source(
        GOOD + "CREATE TABLE `invoice` (`id` int NOT NULL PRIMARY KEY, `net` int NOT NULL,"
        " `gross` int NOT NULL);"
        "INSERT INTO `invoice` VALUES (1, 100, 120);"
        # Fed only the columns PostgreSQL does not compute: it moves, gross computed there.
        "CREATE TABLE `priced` (`id` int NOT NULL PRIMARY KEY, `net` int NOT NULL);"
        "INSERT INTO `priced` VALUES (1, 100), (2, 50);",
        GOOD_PG + "CREATE TABLE invoice (id int PRIMARY KEY, net int NOT NULL,"
        " gross int GENERATED ALWAYS AS (net * 6 / 5) STORED);"
        "INSERT INTO invoice (id, net) VALUES (7, 10);"
        "CREATE TABLE priced (id int PRIMARY KEY, net int NOT NULL,"
        " gross int GENERATED ALWAYS AS (net * 6 / 5) STORED);",
    )
    result = source.migrate(instance)
    assert not result.success
    failures = source.failures(instance)
    blocked = failures["invoice"]
    assert blocked.blocked
    assert "not moved: gross: GENERATED ALWAYS AS" in blocked.reason, blocked.reason
    assert sorted(failures) == ["invoice"]  # priced and good moved
    # Blocked before a row moved: no CSV, the target kept its rows; the others loaded.
    assert not (source.run_dir() / "invoice.csv").exists()
    assert source.postgres("SELECT id, net, gross FROM invoice") == [(7, 10, 12)]
    assert source.postgres("SELECT id, net, gross FROM priced ORDER BY id") == [
        (1, 100, 120),
        (2, 50, 60),
    ]


def test_an_identity_generated_always_column_keeps_the_mysql_values(make_source, instance):
    """COPY writes the values it is given into a GENERATED ALWAYS identity column (as INSERT's
    OVERRIDING SYSTEM VALUE; verified on PostgreSQL 15), and the load sets its sequence past
    them: the app's next INSERT gets a fresh id, and the column stays GENERATED ALWAYS."""
    source = make_source(
        "CREATE TABLE `ticket` (`id` int NOT NULL AUTO_INCREMENT PRIMARY KEY, `title` text);"
        "INSERT INTO `ticket` VALUES (3, 'a'), (41, 'b'), (1000, 'c'); DELETE FROM `ticket`"
        " WHERE id = 1000;",
        "CREATE TABLE ticket (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text);",
    )
    result = source.migrate(instance)
    assert result.success
    assert source.postgres("SELECT id, title FROM ticket ORDER BY id") == [(3, "a"), (41, "b")]
    # Past MySQL's AUTO_INCREMENT (1001): an id MySQL already handed out is never reused.
    assert source.postgres("INSERT INTO ticket (title) VALUES ('new') RETURNING id") == [(1001,)]
    with pytest.raises(psycopg.errors.GeneratedAlways):
        source.postgres("INSERT INTO ticket (id, title) VALUES (5, 'x')")


# --- a value longer than one MySQL packet -----------------------------------------------------

MIB = 1 << 20


@contextlib.contextmanager
def max_allowed_packet() -> Iterator[Callable[[int], None]]:
    """Sets the source server's max_allowed_packet (global: a session cannot raise its own),
    restoring the value it had, whatever happens. Skips where the test may not set it."""
    with mysql_connect() as conn, conn.cursor() as cur:
        cur.execute("SELECT @@global.max_allowed_packet")
        (before,) = cur.fetchone()

        def set_to(size: int) -> None:
            cur.execute("SET GLOBAL max_allowed_packet = %s", (size,))

        try:
            set_to(before)
        except pymysql.err.OperationalError as e:
            pytest.skip(f"cannot set max_allowed_packet on the test server: {e}")
        try:
            yield set_to
        finally:
            set_to(before)


def _failures(result) -> str:
    return "\n".join(
        str(e.event_specific_data.error) for e in result.all_events if e.is_step_failure
    )


def test_a_64_mib_longblob_moves_exactly_when_max_allowed_packet_allows_it(make_source, instance):
    """The CSV line of a 64 MiB LONGBLOB is 128 MiB of hex: over a 96 MiB limit the export
    refuses it by name; at 256 MiB it arrives exact, through `stream_lines`' rows of several
    16 MiB packets. Both sides hash the value themselves: the test never holds it."""
    with max_allowed_packet() as set_limit:
        # Connections take the global value when they open: each one below opens after it.
        set_limit(96 * MIB)
        source = make_source(
            "CREATE TABLE `big` (`id` int NOT NULL PRIMARY KEY, `data` longblob NOT NULL);"
            "SET SESSION group_concat_max_len = 67108864;"
            # 1 Mi different 64-byte digests: no period a misplaced packet boundary could hide in.
            "INSERT INTO `big` SELECT 7, GROUP_CONCAT(UNHEX(SHA2(seq, 512)) ORDER BY seq"
            " SEPARATOR '') FROM seq_1_to_1048576;",
            "CREATE TABLE big (id int PRIMARY KEY, data bytea NOT NULL);",
        )
        ((size, mysql_sha),) = source.mysql("SELECT LENGTH(data), SHA2(data, 256) FROM big")
        assert size == 64 * MIB

        refused = source.migrate(instance, run="small")
        assert not refused.success
        said = _failures(refused)
        assert "src.big:" in said and "max_allowed_packet" in said and "id=7" in said, said
        assert source.postgres("SELECT count(*) FROM big") == [(0,)]

        set_limit(256 * MIB)
        moved = source.migrate(instance, run="raised")
        assert moved.success, _failures(moved)
    assert source.postgres("SELECT id, length(data), encode(sha256(data), 'hex') FROM big") == [
        (7, 64 * MIB, mysql_sha)
    ]
    parity = next(
        e for e in moved.get_asset_check_evaluations() if e.check_name == checks.CONTENT_PARITY
    )
    assert parity.passed


def test_the_pymysql_whose_wire_protocol_we_read_is_the_pinned_one():
    """mysql.stream_lines cuts row packets out of pymysql's socket buffer (private reads):
    pyproject pins pymysql exactly, and a different version installed fails here."""
    import importlib.metadata
    import tomllib

    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    pins = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    (pin,) = [p.split(";")[0].strip() for p in pins if p.lower().startswith("pymysql")]
    assert pin == f"pymysql=={importlib.metadata.version('pymysql')}"
