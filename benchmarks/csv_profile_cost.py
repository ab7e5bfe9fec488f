"""What a per-column profile of each CSV (nulls, min, max, with polars) would cost an export.

    uv run python -m benchmarks.csv_profile_cost [--scale 1] [--repeats 3]

The benchmark's tables (benchmarks/dataset.py) are generated into MySQL and PostgreSQL
databases of their own (a random name, dropped at the end: `benchmarks.run`'s own databases are
left alone). Each repeat moves every table with converge's own code, one table at a time:
the export (`export_table`: the snapshot, its count and the CSV) and the load (`load_table`:
the rollback copy, COPY, count, sequences), each timed, and then profiles the CSV just written
(it is in the page cache, as it would be right after an export) two ways:

- text: every column read as text (`infer_schema=False`): null count, min and max;
- typed: integer and floating-point columns read as numbers, so their min and max are numeric
  (the only profile worth showing for them), the rest as text.

Every load goes into the emptied table (a first migration's load), twice, taking turns: alone,
and with the typed profile running beside it in a thread (as the content fingerprint already
runs beside the load), which measures what overlapping would hide. The profile's cost is its
wall time against the table's export + load (parity and Dagster's events not counted: the
smaller the denominator, the larger the share). Printed per table, the median of the repeats.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

import polars as pl

from converge_assets.engine.config import SourceConfig
from converge_assets.engine.conversion import plan_table
from converge_assets.engine.export import export_table
from converge_assets.engine.load import load_table
from converge_assets.engine.manifest import ManifestEntry
from converge_assets.engine.mysql import discover
from converge_assets.engine.postgres import read_target_schema
from converge_assets.engine.target_schema import TargetTable
from converge_assets.resources import MySQLResource, PostgresResource

from . import (
    DEFAULT_MYSQL_URL,
    DEFAULT_POSTGRES_URL,
    MYSQL_URL_ENV,
    POSTGRES_URL_ENV,
    mysql_server,
    postgres_server,
)
from . import dataset as ds

_INTEGERS = ("smallint", "integer", "bigint")
_FLOATS = ("real", "double precision")


def profile(path: Path, types: dict[str, str] | None) -> pl.DataFrame:
    """Per column: nulls, min and max of the CSV (`types`: PostgreSQL's, for numeric columns)."""
    overrides = {}
    for name, pg_type in (types or {}).items():
        if pg_type.startswith(_INTEGERS):
            overrides[name] = pl.Int64
        elif pg_type.startswith(_FLOATS):
            overrides[name] = pl.Float64
    frame = pl.scan_csv(path, infer_schema=False, schema_overrides=overrides or None)
    columns = frame.collect_schema().names()
    return frame.select(
        [pl.col(c).null_count().alias(f"{c}\0nulls") for c in columns]
        + [pl.col(c).min().cast(pl.String).alias(f"{c}\0min") for c in columns]
        + [pl.col(c).max().cast(pl.String).alias(f"{c}\0max") for c in columns]
    ).collect()


def create_databases(name: str, tables: list[ds.Table]) -> float:
    started = time.monotonic()
    with ds.mysql_connect(mysql_server()) as conn, conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        cur.execute(f"USE `{name}`")
        cur.execute("SET SESSION foreign_key_checks = 0, unique_checks = 0")
        cur.execute("SET SESSION time_zone = '+00:00'")
        for t in tables:
            cur.execute(ds.mysql_ddl(t))
        for t in tables:
            cur.execute("BEGIN")
            cur.execute(ds.insert_sql(t))
            cur.execute("COMMIT")
            cur.execute(f"ANALYZE TABLE `{t.name}`")
            cur.fetchall()
    ds.create_postgres_database(postgres_server(), name, tables)
    return time.monotonic() - started


def drop_databases(name: str) -> None:
    with ds.mysql_connect(mysql_server()) as conn, conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
    with ds.postgres_connect(postgres_server()) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.csv_profile_cost")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    name = f"converge_profile_{uuid.uuid4().hex[:8]}"
    tables = ds.tables(args.scale)
    mysql = MySQLResource(url=os.environ.get(MYSQL_URL_ENV) or DEFAULT_MYSQL_URL)
    postgres = PostgresResource(url=os.environ.get(POSTGRES_URL_ENV) or DEFAULT_POSTGRES_URL)
    source = SourceConfig(name="profile", mysql_database=name, postgres_database=name)
    print(f"generating {sum(t.rows for t in tables):,} rows into {name} ...", flush=True)
    try:
        print(f"  {create_databases(name, tables):.0f} s", flush=True)
        with mysql.connect(name) as conn:
            catalog = discover(conn, "profile", name)
        with postgres.connect(name) as conn:
            targets = read_target_schema(conn, "public")
        timings: dict[str, list[Timing]] = {}
        sizes: dict[str, int] = {}
        with TemporaryDirectory() as work, ThreadPoolExecutor(1) as helper:
            for repeat in range(args.repeats):
                for t in tables:
                    table, target = catalog.table(t.name), targets[t.name]
                    plan = plan_table(table, target)
                    path = Path(work) / f"{t.name}.csv"
                    started = time.monotonic()
                    r = export_table(mysql, source, table, plan, path)
                    export_s = time.monotonic() - started
                    sizes[t.name] = r.bytes
                    entry = r.manifest_entry(table.column_names)
                    types = {c.name: c.data_type for c in target.columns}

                    # Each pair of runs takes turns going first.
                    seconds = {}
                    for overlap in (False, True) if repeat % 2 == 0 else (True, False):
                        seconds[overlap] = timed_load(
                            postgres,
                            name,
                            f"r{repeat}-{overlap}",
                            target,
                            path,
                            entry,
                            types if overlap else None,
                            helper,
                        )
                    for kind in ("text", "typed") if repeat % 2 == 0 else ("typed", "text"):
                        began = time.monotonic()
                        profile(path, types if kind == "typed" else None)
                        seconds[kind] = time.monotonic() - began
                    timing = Timing(
                        export_s, seconds[False], seconds["text"], seconds["typed"], seconds[True]
                    )
                    timings.setdefault(t.name, []).append(timing)
                    print(f"  {repeat + 1}/{args.repeats} {t.name}: {timing}", flush=True)
        report(tables, timings, sizes)
    finally:
        drop_databases(name)
    return 0


def timed_load(
    postgres: PostgresResource,
    database: str,
    run: str,
    target: TargetTable,
    path: Path,
    entry: ManifestEntry,
    profile_types: dict[str, str] | None,
    helper: ThreadPoolExecutor,
) -> float:
    """The load's wall time into the emptied table (a first migration's load); with
    `profile_types`, the typed profile runs beside it in a thread, as the fingerprint does."""
    with postgres.connect(database) as conn:
        conn.execute(f'TRUNCATE "{target.name}" CASCADE')
        conn.commit()
    began = time.monotonic()
    profiled = helper.submit(profile, path, profile_types) if profile_types else None
    load_table(postgres, database, target, path, entry, source="profile", run=run)
    if profiled is not None:
        profiled.result()
    return time.monotonic() - began


@dataclass(frozen=True)
class Timing:
    export: float
    load: float
    text: float  # the text profile, after the load
    typed: float  # the typed profile, after the load
    load_beside_typed: float  # the load with the typed profile running beside it

    def __str__(self) -> str:
        return (
            f"export {self.export:.2f} s, load {self.load:.2f} s, profile text {self.text:.2f} s, "
            f"typed {self.typed:.2f} s; load with the typed profile beside it "
            f"{self.load_beside_typed:.2f} s"
        )


def report(tables: list[ds.Table], timings: dict[str, list[Timing]], sizes: dict[str, int]):
    print()
    header = (
        f"{'table':<22} {'rows':>9} {'CSV MiB':>8} {'export s':>9} {'load s':>7} "
        f"{'text s':>7} {'%':>6} {'typed s':>8} {'%':>6} {'beside s':>9} {'%':>6}"
    )
    print(header)
    print("-" * len(header))
    fields = ("export", "load", "text", "typed", "load_beside_typed")
    totals = dict.fromkeys(fields, 0.0)

    def line(label: str, rows: int, size: str, m: dict[str, float]) -> str:
        base = m["export"] + m["load"]
        extra = m["load_beside_typed"] - m["load"]
        return (
            f"{label:<22} {rows:>9,} {size:>8} {m['export']:>9.2f} {m['load']:>7.2f} "
            f"{m['text']:>7.2f} {100 * m['text'] / base:>5.1f}% {m['typed']:>8.2f} "
            f"{100 * m['typed'] / base:>5.1f}% {extra:>+9.2f} {100 * extra / base:>+5.1f}%"
        )

    for t in tables:
        medians = {f: statistics.median(getattr(r, f) for r in timings[t.name]) for f in fields}
        for f in fields:
            totals[f] += medians[f]
        print(line(t.name, t.rows, f"{sizes[t.name] / 1024 / 1024:.1f}", medians))
    print(line("all (sum of medians)", sum(t.rows for t in tables), "", totals))
    print(
        "%: of the table's export + load. beside: the load's wall time with the typed profile "
        "running beside it, less without"
    )


if __name__ == "__main__":
    raise SystemExit(main())
