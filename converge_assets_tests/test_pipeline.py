"""Export -> load -> checks for one partition, through Dagster, against the real servers."""

from __future__ import annotations

import json
import re
import stat

import pytest
from dagster import AssetCheckKey, AssetKey

from converge_assets import checks
from converge_assets.engine import mysql

MYSQL_DDL = """
CREATE TABLE `parent` (
  `id` char(36) NOT NULL PRIMARY KEY,
  `rowId` int NOT NULL AUTO_INCREMENT UNIQUE,
  `name` varchar(255) NULL,
  `note` text NULL,
  `active` tinyint(1) NOT NULL DEFAULT 1,
  `createdDate` datetime(6) NOT NULL,
  `content` mediumblob NULL
) ENGINE=InnoDB;
CREATE TABLE `child` (
  `id` char(36) NOT NULL PRIMARY KEY,
  `parentId` char(36) NULL,
  `tags` text NULL,
  CONSTRAINT `fk_child_parent` FOREIGN KEY (`parentId`) REFERENCES `parent` (`id`)
) ENGINE=InnoDB;
"""

POSTGRES_DDL = """
CREATE TABLE parent (
  id uuid PRIMARY KEY,
  "rowId" SERIAL NOT NULL UNIQUE,
  name varchar(255),
  note text,
  active boolean NOT NULL DEFAULT true,
  "createdDate" timestamp NOT NULL,
  content bytea
);
CREATE TABLE child (
  id uuid PRIMARY KEY,
  "parentId" uuid REFERENCES parent(id) ON DELETE CASCADE,
  tags text
);
"""

# Every text value the old scripts got wrong, and a few more.
AWKWARD = [
    None,
    "",
    "NULL",
    "\\N",
    "\\.",
    "line\nfeed",
    "crlf\r\nline",
    "lone\rcr",
    'quote " and "" doubled, comma',
    "back\\slash",
    "  leading and trailing  ",
    "tab\there",
    "emoji 🦊 and 𝄞",
    "\n",
]


def uuid_for(i: int) -> str:
    return f"00000000-0000-4000-8000-{i:012d}"


@pytest.fixture
def source(make_source):
    src = make_source(MYSQL_DDL, POSTGRES_DDL)
    rows = [
        (
            uuid_for(i),
            f"name {i}",
            note,
            i % 2,
            f"2024-01-0{1 + i % 9} 10:11:12.{i:06d}",
            bytes(range(i * 7 % 256)),
        )
        for i, note in enumerate(AWKWARD)
    ]
    mysql_rows_insert(src, rows)
    return src


def mysql_rows_insert(src, rows):
    from converge_assets_tests.conftest import mysql_connect

    with mysql_connect(src.mysql_database) as conn, conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO parent (id, name, note, active, createdDate, content) VALUES (%s,%s,%s,%s,%s,%s)",
            rows,
        )
        # A deleted row leaves AUTO_INCREMENT past the max: ids must never be reused.
        cur.execute(
            "INSERT INTO parent (id, name, createdDate) VALUES (%s, 'gone', NOW())",
            (uuid_for(999),),
        )
        cur.execute("DELETE FROM parent WHERE id = %s", (uuid_for(999),))
        cur.executemany(
            "INSERT INTO child (id, parentId, tags) VALUES (%s, %s, %s)",
            [
                (uuid_for(100 + i), uuid_for(i) if i % 3 else None, "a,b,c")
                for i in range(len(rows))
            ],
        )


def check_results(result) -> dict[AssetCheckKey, bool]:
    return {e.asset_check_key: e.passed for e in result.get_asset_check_evaluations()}


def test_full_migration_through_dagster(source, instance):
    result = source.migrate(instance)
    assert result.success

    # Every value arrives unchanged: NULL stays NULL, '' stays '', line breaks stay.
    got = dict(source.postgres("SELECT id::text, note FROM parent"))
    want = dict(source.mysql("SELECT id, note FROM parent"))
    assert got == want
    assert source.postgres("SELECT count(*) FROM parent WHERE note IS NULL") == [(1,)]
    assert source.postgres("SELECT count(*) FROM parent WHERE note = ''") == [(1,)]
    blobs = dict(source.postgres("SELECT id::text, content FROM parent"))
    assert blobs == {k: v for k, v in source.mysql("SELECT id, content FROM parent")}
    times = source.postgres(
        "SELECT to_char(\"createdDate\", 'YYYY-MM-DD HH24:MI:SS.US') FROM parent ORDER BY 1"
    )
    assert [t[0] for t in times] == sorted(
        r[0]
        for r in source.mysql("SELECT DATE_FORMAT(createdDate, '%Y-%m-%d %H:%i:%s.%f') FROM parent")
    )
    assert source.postgres("SELECT count(*) FROM child") == [(len(AWKWARD),)]

    # The serial sequence is past MySQL's AUTO_INCREMENT (a deleted row's id is not reused).
    auto_increment = source.mysql(
        "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA=%s AND TABLE_NAME='parent'",
        (source.mysql_database,),
    )[0][0]
    next_id = source.postgres("SELECT nextval(pg_get_serial_sequence('parent', 'rowId'))")[0][0]
    assert next_id >= auto_increment

    # Checks ran and passed, per table.
    results = check_results(result)
    for table in ("parent", "child"):
        assert results[AssetCheckKey(AssetKey(["postgres", "src", table]), checks.ROW_COUNT)]
        assert results[AssetCheckKey(AssetKey(["postgres", "src", table]), checks.CONTENT_PARITY)]
    assert results[AssetCheckKey(AssetKey(["src", "target_schema"]), checks.SCHEMA_PREFLIGHT)]
    assert results[AssetCheckKey(AssetKey(["src", "migration_manifest"]), checks.MANIFEST)]
    assert results[AssetCheckKey(AssetKey(["src", "migration_run"]), checks.FOREIGN_KEYS)]
    assert results[AssetCheckKey(AssetKey(["src", "migration_run"]), checks.SEQUENCES)]

    # Files: readable by their owner only, no temporary file left, a manifest that matches.
    run_dir = source.run_dir()
    csv = run_dir / "parent.csv"
    assert stat.S_IMODE(csv.stat().st_mode) == 0o600
    assert not [p for p in run_dir.iterdir() if p.name.endswith(".tmp")]
    manifest = json.loads((run_dir / "migration_manifest.json").read_text())
    assert manifest["tables"]["parent"]["rows"] == len(AWKWARD)
    assert manifest["summary"]["total_tables"] == 2
    assert manifest["export_info"]["source_type"] == "mysql"

    # Metadata a person looks at.
    metadata = {
        e.asset_key: e.step_materialization_data.materialization.metadata
        for e in result.get_asset_materialization_events()
    }
    parent_meta = metadata[AssetKey(["csv", "src", "parent"])]
    assert parent_meta["dagster/row_count"].value == len(AWKWARD)
    assert len(parent_meta["sha256"].value) == 64

    # The migration log tells the story: started, in_progress, completed.
    log = json.loads((source.config.export_dir / "migration_log.json").read_text())
    statuses = [e["status"] for e in log["migration_runs"] if e["run"] == "run1"]
    assert statuses == ["started", "in_progress", "completed"]


def test_rerun_gives_identical_target(source, instance):
    assert source.migrate(instance, run="a").success
    first = source.postgres("SELECT * FROM parent ORDER BY id")
    assert source.migrate(instance, run="a").success
    assert source.postgres("SELECT * FROM parent ORDER BY id") == first


def test_reloading_a_parent_keeps_its_children(source, instance):
    assert source.migrate(instance).success
    children = source.postgres("SELECT count(*) FROM child")[0][0]
    # Only the parent's load, as a user re-running one table would do.
    result = source.migrate(instance, selection=[AssetKey(["postgres", "src", "parent"])])
    assert result.success
    assert source.postgres("SELECT count(*) FROM child")[0][0] == children > 0


def test_failed_count_check_blocks_that_tables_load_only(source, instance, monkeypatch):
    source.postgres(
        "INSERT INTO parent (id, \"createdDate\") VALUES ('11111111-1111-4111-8111-111111111111', now())"
    )
    real = mysql.count_sql

    def miscounting(database, table, conversions):
        query = real(database, table, conversions)
        return query.replace("COUNT(*)", "COUNT(*) + 1", 1) if table == "parent" else query

    monkeypatch.setattr(mysql, "count_sql", miscounting)
    result = source.migrate(instance)
    assert not result.success
    # The export fails, naming both counts, and is exported again by a re-run.
    failure = source.failures(instance)["parent"]
    counts = re.search(r"the CSV has (\d+) rows, MySQL counted (\d+) in the same", failure.reason)
    assert counts and int(counts[2]) == int(counts[1]) + 1, failure.reason
    assert failure.export_again
    loaded = {e.asset_key for e in result.get_asset_materialization_events()}
    assert AssetKey(["csv", "src", "parent"]) not in loaded
    assert AssetKey(["postgres", "src", "parent"]) not in loaded
    assert AssetKey(["postgres", "src", "child"]) in loaded
    # The target kept what it had.
    assert source.postgres("SELECT id::text FROM parent") == [
        ("11111111-1111-4111-8111-111111111111",)
    ]
    log = json.loads((source.config.export_dir / "migration_log.json").read_text())
    assert log["migration_runs"][-1]["status"] == "in_progress"
    assert "parent failed: " in log["migration_runs"][-1]["message"]


def test_a_step_per_table_gives_the_same_assets(source, instance):
    import yaml

    from converge_assets.engine.config import load_config

    raw = yaml.safe_load(source.config.path.read_text())
    raw["tables_per_step"] = 1
    source.config.path.write_text(yaml.safe_dump(raw))
    source.config = load_config(source.config.path)
    defs = source.definitions()
    job = defs.resolve_job_def("migrate_src")
    steps = {node.name for node in job.graph.node_defs}
    assert {"src_tables_0", "src_tables_1"} <= steps
    result = source.migrate(instance)
    assert result.success
    assert source.postgres("SELECT count(*) FROM parent") == [(len(AWKWARD),)]
    assert source.postgres("SELECT count(*) FROM child") == [(len(AWKWARD),)]


def test_a_long_table_reports_rows_done_rate_and_eta_on_the_run_page(
    make_source, instance, monkeypatch
):
    monkeypatch.setattr("converge_assets.engine.tables.PROGRESS_SECONDS", 0.05)
    source = make_source(
        "CREATE TABLE `big` (`id` int NOT NULL PRIMARY KEY, `body` varchar(200) NULL);"
        "INSERT INTO `big` SELECT seq, REPEAT('x', 150) FROM seq_1_to_200000;",
        "CREATE TABLE big (id int PRIMARY KEY, body varchar(200));",
    )
    result = source.migrate(instance)
    assert result.success
    lines = [e.user_message for e in instance.all_logs(result.run_id) if e.user_message]
    progress = [
        line
        for line in lines
        if re.fullmatch(
            r"exporting and loading src\.big: [\d,]+/200,000 rows \(\d+%\), [\d,]+ rows/s, ETA \d+s",
            line,
        )
    ]
    assert progress, "\n".join(lines)
    done = [int(re.search(r": ([\d,]+)/", line).group(1).replace(",", "")) for line in progress]
    assert done == sorted(done) and 0 < done[0] < 200_000
