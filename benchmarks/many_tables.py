"""Per-table overhead: a source of many small tables, converge against pgloader.

    uv run python -m benchmarks.many_tables [--tables 500] [--rows 20]

Creates `converge_many` on both servers (N tables of a uuid key, text, json, datetime(6) and
a boolean, `--rows` rows each), then times `converge run` (every check included, through the
Dagster instance of DAGSTER_HOME) and pgloader (data only, into the same empty schema).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from . import mysql_server, postgres_server
from .dataset import mysql_connect, postgres_connect
from .measure import measure_converge
from .peers import measure_pgloader, pgloader_command

DATABASE = "converge_many"

MYSQL_TABLE = """CREATE TABLE `t{i:03}` (
  `id` char(36) NOT NULL PRIMARY KEY, `name` varchar(255) NULL, `traits` json NOT NULL,
  `created_at` datetime(6) NOT NULL, `active` tinyint(1) NOT NULL)"""
POSTGRES_TABLE = """CREATE TABLE t{i:03} (
  id uuid PRIMARY KEY, name varchar(255), traits jsonb NOT NULL,
  created_at timestamp(6) NOT NULL, active boolean NOT NULL)"""


def create(tables: int, rows: int) -> None:
    with mysql_connect(mysql_server()) as conn, conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{DATABASE}`")
        cur.execute(f"CREATE DATABASE `{DATABASE}` CHARACTER SET utf8mb4")
        cur.execute(f"USE `{DATABASE}`")
        for i in range(tables):
            cur.execute(MYSQL_TABLE.format(i=i))
            cur.execute(
                f"INSERT INTO `t{i:03}` SELECT UUID(), CONCAT('name \"', seq, '\"\\n'), "
                f"JSON_OBJECT('n', seq, 'tags', JSON_ARRAY('a', 'b')), "
                f"TIMESTAMPADD(MICROSECOND, seq * 7919, '2024-01-01'), seq % 2 "
                f"FROM seq_1_to_{rows}"
            )
    postgres = postgres_server()
    for name in (DATABASE, f"{DATABASE}_pgloader"):
        with postgres_connect(postgres) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        with postgres_connect(postgres, name) as conn:
            for i in range(tables):
                conn.execute(POSTGRES_TABLE.format(i=i))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.many_tables", description=__doc__)
    parser.add_argument("--tables", type=int, default=500)
    parser.add_argument("--rows", type=int, default=20)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="converge_many-"))
    create(args.tables, args.rows)
    config = work / "converge.yaml"
    config.write_text(
        f"sources:\n  many:\n    mysql_database: {DATABASE}\n    postgres_database: {DATABASE}\n"
    )
    discover, m = measure_converge(
        "many", "many-1", config=config, export_dir=work / "csv", log_dir=work
    )
    if m is None or m.returncode != 0:
        print((m or discover).tail(20))
        return 1
    print(
        f"converge run: {args.tables} tables x {args.rows} rows, every check: {m.seconds:.1f} s "
        f"({m.seconds / args.tables * 1000:.0f} ms a table), peak RSS {m.peak_rss / 2**20:.0f} MiB"
    )
    if shutil.which("pgloader"):
        p = measure_pgloader(
            pgloader_command(
                mysql_server(), postgres_server(), f"{DATABASE}_pgloader", source_database=DATABASE
            ),
            work / "pgloader",
            work,
        )
        status = "" if p.returncode == 0 else f" (exit {p.returncode}: {p.tail(3)})"
        print(
            f"pgloader: {p.seconds:.1f} s{status}; converge/pgloader {m.seconds / p.seconds:.2f}x"
        )
    print(f"logs in {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
