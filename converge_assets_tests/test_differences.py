"""A failed content parity shows the differing rows side by side (differences.py), against the
real servers: the key, the column and both values exactly, nothing for a passing parity."""

from __future__ import annotations

import re

import pytest
from dagster import AssetKey

from converge_assets import checks
from converge_assets.engine.differences import _csv_value, _quoted
from converge_assets_tests.pair_harness import pair  # noqa: F401 (fixture)

KEY = AssetKey(["postgres", "src", "t"])

MYSQL_TABLE = """CREATE TABLE {name} (id int PRIMARY KEY, name varchar(50) NULL, about longtext NULL,
  data longblob NULL, doc json NULL, price decimal(10,2) NULL, at datetime(3) NULL)"""
POSTGRES_TABLE = """CREATE TABLE {name} (id int PRIMARY KEY, name varchar(50), about text,
  data bytea, doc jsonb, price numeric(10,2), at timestamptz(3))"""
ROWS = """INSERT INTO {name} VALUES
  (1, 'one', 'first\\nline', X'00FF', '{{"a": 1, "b": [1, 2]}}', 1.50, '2024-01-02 03:04:05.123'),
  (2, 'two', NULL, NULL, NULL, NULL, NULL),
  (3, 'three', 'a b', NULL, '{{"x": "y"}}', 3.00, NULL)"""


@pytest.fixture
def table(pair, tmp_path):  # noqa: F811 (the fixture)
    """A fresh table `t_<n>` migrated into PostgreSQL; returns (name, MySQL's fingerprint)."""
    name = f"t_{len(pair.mysql('SHOW TABLES'))}"
    pair.mysql(f"{MYSQL_TABLE.format(name=name)}; {ROWS.format(name=name)}")
    pair.postgres(POSTGRES_TABLE.format(name=name))
    pair.migrate(name, tmp_path)
    fingerprint = pair.fingerprint(name)
    assert pair.parity(name, fingerprint).passed
    return name, fingerprint


def rows(markdown: str) -> list[list[str]]:
    """The side-by-side table's rows: key, column, MySQL, PostgreSQL (cells as written)."""
    lines = [line for line in markdown.splitlines() if line.startswith("| ")][1:]
    return [[c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]] for line in lines]


def test_a_passing_parity_has_no_table_of_differing_rows(pair, table):  # noqa: F811
    name, fingerprint = table
    result = pair.parity(name, fingerprint)
    assert result.passed and result.differing_rows is None
    check = checks.content_parity(KEY, result, "now")
    assert check.passed and "differing_rows" not in check.metadata


def test_a_value_changed_in_postgres_shows_key_column_and_both_values(pair, table):  # noqa: F811
    name, fingerprint = table
    pair.postgres(f"UPDATE {name} SET about = 'first line' WHERE id = 1")
    result = pair.parity(name, fingerprint)
    check = checks.content_parity(KEY, result, "in the export's snapshot")
    assert not check.passed
    markdown = check.metadata["differing_rows"].value
    # Only the changed column; the line break is shown, not flattened into the space it became.
    assert rows(markdown) == [['`id`=`"1"`', "`about`", '`"first\\nline"`', '`"first line"`']]
    assert "Differing columns: `about` (1 row)" in markdown


def test_a_source_row_changed_after_the_load_shows_mysqls_new_value(pair, table):  # noqa: F811
    name, _ = table
    pair.mysql(f"UPDATE {name} SET price = 3.01, name = NULL WHERE id = 3")
    result = pair.parity(name)  # the fingerprint of MySQL as it is now
    assert not result.passed
    assert rows(result.differing_rows.markdown()) == [
        ['`id`=`"3"`', "`name`", "NULL", '`"three"`'],
        ['`id`=`"3"`', "`price`", '`"3.01"`', '`"3.00"`'],
    ]


def test_rows_on_one_side_only_and_every_kind_of_value(pair, table):  # noqa: F811
    name, fingerprint = table
    pair.postgres(
        f"""DELETE FROM {name} WHERE id = 2; INSERT INTO {name} (id) VALUES (4);
        UPDATE {name} SET data = '\\x00fe', at = at + interval '1 millisecond',
          doc = '{{"b": [1, 2], "a": 1}}' WHERE id = 1;
        UPDATE {name} SET about = 'a  b', doc = '{{"x": "Y"}}', name = 'th|ree`' WHERE id = 3"""
    )
    found = rows(pair.parity(name, fingerprint).differing_rows.markdown())
    assert found == [
        # bytes as each server writes them; jsonb's reordered keys are no difference
        ['`id`=`"1"`', "`data`", '`"\\\\x00FF"`', '`"\\\\x00fe"`'],
        ['`id`=`"1"`', "`at`", '`"2024-01-02 03:04:05.123+00"`', '`"2024-01-02 03:04:05.124+00"`'],
        ['`id`=`"2"`', "(the row)", "(row present)", "(no row)"],
        # a pipe and a backtick stay in their cell; two spaces stay two (the second no-break)
        ['`id`=`"3"`', "`name`", '`"three"`', '``"th\\|ree`"``'],
        ['`id`=`"3"`', "`about`", '`"a b"`', '`"a \u00a0b"`'],
        ['`id`=`"3"`', "`doc`", '`"{\\"x\\": \\"y\\"}"`', '`"{\\"x\\": \\"Y\\"}"`'],
        ['`id`=`"4"`', "(the row)", "(no row)", "(row present)"],
    ]


def test_a_long_value_shows_its_first_difference_and_its_length(pair, table):  # noqa: F811
    name, fingerprint = table
    pair.mysql(f"UPDATE {name} SET about = CONCAT(REPEAT('ab\"', 2000), 'tail') WHERE id = 2")
    fingerprint = pair.fingerprint(name)
    pair.postgres(f"UPDATE {name} SET about = repeat('ab\"', 2000) || 'tail' WHERE id = 2")
    assert pair.parity(name, fingerprint).passed
    # One character in the middle changed: the window holds it on both sides.
    pair.postgres(
        f"UPDATE {name} SET about = overlay(about placing 'X' from 3001 for 1) WHERE id = 2"
    )
    ((key, column, mine, theirs),) = rows(pair.parity(name, fingerprint).differing_rows.markdown())
    assert (key, column) == ('`id`=`"2"`', "`about`")
    window = ('ab"' * 34)[:100]  # characters 2,971 to 3,070: the 31st is the changed one
    changed = window[:30] + "X" + window[31:]
    where = " … (characters 2,971 to 3,070 of 6,004)"
    assert mine == '… `"' + window.replace('"', '\\"') + '"`' + where
    assert theirs == '… `"' + changed.replace('"', '\\"') + '"`' + where


def test_a_difference_beyond_what_is_read_is_said_not_hidden(pair, table):  # noqa: F811
    name, _ = table
    pair.mysql(f"UPDATE {name} SET about = CONCAT(REPEAT('\"', 70000), 'a') WHERE id = 3")
    fingerprint = pair.fingerprint(name)
    pair.postgres(f"UPDATE {name} SET about = repeat('\"', 70000) || 'b' WHERE id = 3")
    ((_, column, mine, theirs),) = rows(pair.parity(name, fingerprint).differing_rows.markdown())
    assert column == "`about`"
    said = "of 70,001; the first 32,767 equal the other side's, the rest was not read)"
    assert mine.endswith(said) and theirs.endswith(said), (mine, theirs)


def test_values_are_quoted_and_escaped_so_no_difference_hides():
    assert _quoted('a\tb\\n"\r\n') == '"a\\tb\\\\n\\"\\r\\n"'
    assert _quoted("x\u200by\u00a0z  ") == '"x\\u200by\\u00a0z \u00a0"'
    # CSV fields as the export writes them, whole or cut after 5 characters
    assert _csv_value('"a""b"', 6, 4) == ('a"b', 3, "value")
    assert _csv_value('"a""b', 8, 6) == ('a"b', 4, "value")  # a"b" written "a""b"""
    assert _csv_value('"ab"', 6, 4) == ("ab", 3, "value")  # the cut split a doubled quote
    assert _csv_value("", 0, 0) == (None, None, "null")
    assert _csv_value('""', 2, 2) == ("", 0, "value")
    assert _csv_value(None, None, None) == (None, None, "refused")


def test_a_table_without_primary_key_shows_each_row_by_its_values(make_source, instance):
    """Its key is the whole row: a changed row is one row MySQL has and another PostgreSQL has."""
    source = make_source(
        "CREATE TABLE log (at int NOT NULL, line text NULL); "
        "INSERT INTO log VALUES (1, 'started'), (2, 'a|b'), (2, 'a|b');",
        "CREATE TABLE log (at int NOT NULL, line text);"
        "CREATE FUNCTION tamper() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.at = 1 THEN NEW.line := NEW.line || '!'; END IF; RETURN NEW; END $$;"
        "CREATE TRIGGER tamper BEFORE INSERT ON log FOR EACH ROW EXECUTE FUNCTION tamper();"
        "ALTER TABLE log ENABLE ALWAYS TRIGGER tamper;",
    )
    result = source.migrate(instance)
    (parity,) = [
        e for e in result.get_asset_check_evaluations() if e.check_name == checks.CONTENT_PARITY
    ]
    assert not parity.passed
    # The twice-held row is equal on both sides; the changed one shows as each side holds it.
    assert sorted(rows(parity.metadata["differing_rows"].value)) == [
        ['`at`=`"1"`, `line`=`"started!"`', "(the row)", "(no row)", "(row present)"],
        ['`at`=`"1"`, `line`=`"started"`', "(the row)", "(row present)", "(no row)"],
    ]
