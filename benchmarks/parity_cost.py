"""What content parity costs on its own, after a converge run, through the engine's own code.

    uv run python -m benchmarks.parity_cost CONFIG SOURCE

For every table of the source's catalog, one at a time: the MySQL side (`source_fingerprint`,
in a snapshot of its own, as the export takes it) and the PostgreSQL side (`content_parity`,
which compares the two), each timed, with the servers' CPU over the whole pass. In a run the
MySQL side overlaps the load of the same table and tables run in parallel, so this serial figure
is an upper bound of what parity adds to a run's wall time; the server CPU is what it costs.
Every table must pass: the loaded target is the run's.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from converge_assets.engine import mysql as mq
from converge_assets.engine.catalog import source_catalog
from converge_assets.engine.config import load_config
from converge_assets.engine.conversion import plan_table
from converge_assets.engine.mysql import MySQLServer
from converge_assets.engine.parity import content_parity, source_fingerprint
from converge_assets.engine.postgres import PostgresServer, read_target_schema

from .measure import cpu_snapshot


def measure(config_path: Path, source_name: str) -> dict:
    config = load_config(config_path)
    source = config.source(source_name)
    catalog = source_catalog(config_path, source_name, source.exclude)
    if catalog is None:
        raise SystemExit(f"no catalog for {source_name}: run `converge discover` first")
    mysql, postgres = MySQLServer(source.mysql_url()), PostgresServer(source.postgres_url())
    with postgres.connect(source.postgres_database) as conn:
        targets = read_target_schema(conn, source.postgres_schema)
    plans = {
        t.name: plan_table(t, targets[t.name], source.transforms.get(t.name))
        for t in catalog.tables
    }
    busy0, servers0 = cpu_snapshot()
    mysql_side = postgres_side = 0.0
    failed, rows = [], 0
    for table in catalog.tables:
        # The MySQL connection and its snapshot are the export's in a run: not parity's cost.
        with mysql.connect(source.mysql_database, streaming=True) as mconn:
            with mconn.cursor() as cur:
                mq.begin_snapshot(cur)
            t0 = time.monotonic()
            fingerprint = source_fingerprint(mconn, postgres, source, table, plans[table.name])
            t1 = time.monotonic()
        result = content_parity(
            mysql,
            postgres,
            source,
            table,
            source.postgres_schema,
            plans[table.name],
            fingerprint,
        )
        postgres_side += time.monotonic() - t1
        mysql_side += t1 - t0
        rows += result.mysql_rows
        if not result.passed:
            failed.append(table.name)
    seconds = mysql_side + postgres_side  # without the MySQL connections (see above)
    busy1, servers1 = cpu_snapshot()
    mysql_cpu = servers1["mysql"] - servers0["mysql"]
    postgres_cpu = servers1["postgres"] - servers0["postgres"]
    return {
        "tables": len(catalog.tables),
        "rows": rows,
        "seconds": round(seconds, 2),
        "mysql_side_seconds": round(mysql_side, 2),
        "postgres_side_seconds": round(postgres_side, 2),
        "mysql_cpu_seconds": round(mysql_cpu, 2),
        "postgres_cpu_seconds": round(postgres_cpu, 2),
        "other_cpu_seconds": round(max(0.0, busy1 - busy0 - mysql_cpu - postgres_cpu), 2),
        "failed": failed,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.parity_cost", description=__doc__)
    parser.add_argument("config", type=Path)
    parser.add_argument("source")
    args = parser.parse_args(argv)
    result = measure(args.config.resolve(), args.source)
    print(json.dumps(result))
    return 1 if result["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
