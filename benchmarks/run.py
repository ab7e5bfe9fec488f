"""One command, the issue's targets side by side: converge against pgloader and the raw client
pipeline on four shapes of data.

    uv run python -m benchmarks.run [--shapes scale,kratos,alkemio,many] [--rounds 2]
                                    [--systems converge,pgloader,raw,raw-pipe] [--scale 1]

Shapes (MySQL databases `bench_<shape>`, reused when already there at this size):
  scale    7 tables, 1.25M rows (~400 MiB) of Kratos/Alkemio shapes; target < 1.0x pgloader
  kratos   the demo's Ory Kratos v1.3.1 schema, 25 tables, ~44k rows; target <= 1.5x
  alkemio  75 tables of the Alkemio server's shapes, ~53k rows (benchmarks.alkemio); <= 1.5x
  many     500 tables of 20 rows; target <= 1.5x

Per shape and round, every system in turn (the order reversed every other round, so drift in
what else the machine does falls on both sides): a fresh PostgreSQL target database with the
empty schema, a CHECKPOINT, the timed run (wall time, peak RSS and CPU of the process tree, and
the CPU of MariaDB's and PostgreSQL's processes over the run), then a check of the target against
MySQL (row counts, and per-column content sums where the shape has a spec). converge's run
includes every check (row counts, manifest, content parity); after it, `benchmarks.parity_cost`
recomputes parity alone on its target, for the price of the proof. Ratios are of medians over the
rounds, and per round. Logs and results.json go to --work-dir.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import alkemio, client_env, many_tables, mysql_server, postgres_server, redact
from . import dataset as ds
from .measure import REPO_ROOT, Measurement, measure_converge, run_measured
from .peers import PGLOADER_SETTINGS, measure_pgloader, pgloader_command

BENCH_DIR = Path(__file__).resolve().parent
CONVERGE_CONFIG = BENCH_DIR / "converge.yaml"  # the scale shape's, for benchmarks.cutover
SYSTEMS = ("converge", "converge-ref", "converge-empty", "pgloader", "raw", "raw-pipe")
# converge-empty: converge on the same schema with every table empty (a schema-only copy of the
# MySQL database): its fixed cost (process start, the Dagster run, every table's assets, checks
# and statements) with no row to move. Beside pgloader moving every row, it bounds the ratio any
# change to the data path can reach.
EMPTY_SUFFIX = "_empty"
SHAPES = ("scale", "kratos", "alkemio", "many")
MiB = 1024 * 1024


@dataclass
class Shape:
    name: str
    mysql_database: str
    target_ratio: float  # converge / pgloader wall time, at most (the target)
    create_source: Callable[[], None]  # (re)create the MySQL database
    create_target: Callable[[str], None]  # drop and create an empty target database
    spec: list[ds.Table] | None = None  # content sums checked on every target when given
    excluded: tuple[str, ...] = ()
    camel_case: bool = False  # pgloader needs `quote identifiers`

    def database(self, system: str) -> str:
        return f"{self.mysql_database}_{system.replace('-', '_')}"


@dataclass
class Outcome:
    system: str
    available: bool
    measurement: Measurement | None = None
    problems: list[str] = field(default_factory=list)
    details: dict = field(default_factory=dict)
    note: str = ""


def machine() -> dict[str, str]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    with ds.mysql_connect(mysql_server()) as conn, conn.cursor() as cur:
        cur.execute("SELECT VERSION(), @@innodb_buffer_pool_size")
        mysql_version, pool = cur.fetchone()
    with ds.postgres_connect(postgres_server()) as conn:
        pg_version = conn.execute("SHOW server_version").fetchone()[0]
        shared = conn.execute("SHOW shared_buffers").fetchone()[0]
    try:
        pgloader = subprocess.run(
            ["pgloader", "--version"], capture_output=True, text=True, check=False
        ).stdout.splitlines()[0]
    except (OSError, IndexError):
        pgloader = "not installed"
    return {
        "cpu": f"{os.cpu_count()} x {cpu}",
        "ram": f"{mem_kib / 1024 / 1024:.1f} GiB",
        "kernel": platform.release(),
        "mariadb": f"{mysql_version} (innodb_buffer_pool_size {int(pool) // MiB} MiB)",
        "postgresql": f"{pg_version} (shared_buffers {shared})",
        "pgloader": pgloader,
    }


# ---- the shapes ---------------------------------------------------------------------------------


def _spec_shape(name: str, database: str, tables: list[ds.Table], ratio: float, **kw) -> Shape:
    mysql, postgres = mysql_server(), postgres_server()

    def create_source() -> None:
        if not ds.dataset_present(mysql, tables, database):
            print(f"generating MySQL database {database} ...", flush=True)
            seconds = ds.generate_mysql(mysql, tables, log=lambda s: None, database=database)
            print(f"  generated in {seconds:.1f} s", flush=True)

    def create_target(target: str) -> None:
        moved = [t for t in tables if t.name not in kw.get("excluded", ())]
        ds.create_postgres_database(postgres, target, moved)

    return Shape(name, database, ratio, create_source, create_target, tables, **kw)


def _kratos_shape(rows: int) -> Shape:
    from demo.seed import EXCLUDED_TABLES

    database = "bench_kratos"

    def create_source() -> None:
        # In a process of its own: the demo builds its rows in Python (hundreds of MiB at this
        # scale), and every child forked from a large process starts with its peak RSS.
        print(f"seeding MySQL database {database} (demo kratos at scale {rows}) ...", flush=True)
        subprocess.run(
            [sys.executable, "-m", "benchmarks.kratos", "--seed", database, f"--rows={rows}"],
            check=True,
            cwd=REPO_ROOT,
        )

    def create_target(target: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "benchmarks.kratos", "--target", target],
            check=True,
            cwd=REPO_ROOT,
        )

    return Shape(
        "kratos", database, 1.5, create_source, create_target, excluded=EXCLUDED_TABLES["kratos"]
    )


def shapes(args) -> dict[str, Shape]:
    return {
        "scale": _spec_shape("scale", ds.MYSQL_DATABASE, ds.tables(args.scale), 1.0),
        "kratos": _kratos_shape(args.kratos_rows),
        "alkemio": _spec_shape(
            "alkemio",
            alkemio.DATABASE,
            alkemio.tables(args.alkemio_scale),
            1.5,
            excluded=alkemio.EXCLUDED,
            camel_case=True,
        ),
        "many": _spec_shape(
            "many",
            many_tables.DATABASE,
            many_tables.tables(args.many_tables, args.many_rows),
            1.5,
        ),
    }


def prepare_target(system: str, tables: list[ds.Table]) -> str:
    """The scale shape's target of `system`, empty (benchmarks.cutover's converge target)."""
    database = ds.POSTGRES_DATABASE if system == "converge" else f"bench_scale_{system}"
    postgres = postgres_server()
    ds.create_postgres_database(postgres, database, tables)
    with ds.postgres_connect(postgres) as conn:
        conn.execute("CHECKPOINT")
    return database


# ---- the systems --------------------------------------------------------------------------------


def converge_config(shape: Shape, work: Path, system: str = "converge") -> Path:
    folder = work / f"{shape.name}-{system}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "converge.yaml"
    excluded = ", ".join(shape.excluded)
    source = shape.mysql_database + (EMPTY_SUFFIX if system == "converge-empty" else "")
    path.write_text(
        f"sources:\n  {shape.name}:\n    mysql_database: {source}\n"
        f"    postgres_database: {shape.database(system)}\n    exclude: [{excluded}]\n"
    )
    return path


def run_converge(
    shape: Shape, work: Path, label: str, system: str = "converge", tree: Path = REPO_ROOT
) -> Outcome:
    """converge's run from `tree`; for this checkout's, parity's own cost after it."""
    config = converge_config(shape, work, system)
    discover, m = measure_converge(
        shape.name,
        label,
        config=config,
        export_dir=work / "converge_csv",
        log_dir=work / "logs",
        label_prefix=f"{label}-",
        tree=tree,
    )
    if m is None:
        return Outcome(system, False, note=f"discover failed:\n{redact(discover.tail(6))}")
    details: dict = {"discover_seconds": round(discover.seconds, 2)}
    if m.returncode != 0:
        said = redact(m.tail(6)) or "(no output)"
        return Outcome(system, False, m, details=details, note=f"exit {m.returncode}: {said}")
    if system != "converge":
        return Outcome(system, True, m, details=details)
    parity = run_measured(
        [sys.executable, "-m", "benchmarks.parity_cost", str(config), shape.name],
        log_dir=work / "logs",
        label=f"{label}-parity",
        cwd=REPO_ROOT,
    )
    if parity.returncode == 0:
        details["parity"] = json.loads(parity.stdout.read_text().strip().splitlines()[-1])
        details["parity"]["own_cpu_seconds"] = round(parity.cpu_seconds, 2)
    else:
        details["parity_note"] = redact(parity.tail(6))
    return Outcome("converge", True, m, details=details)


def create_empty_copy(shape: Shape) -> None:
    """The shape's MySQL database again, every table empty: `CREATE TABLE ... LIKE` each."""
    source, copy = shape.mysql_database, shape.mysql_database + EMPTY_SUFFIX
    with ds.mysql_connect(mysql_server()) as conn, conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS `{copy}`")
        cur.execute(f"CREATE DATABASE `{copy}`")
        cur.execute(
            "SELECT TABLE_NAME FROM information_schema.TABLES "
            "WHERE TABLE_SCHEMA = %s AND TABLE_TYPE = 'BASE TABLE'",
            (source,),
        )
        for (table,) in cur.fetchall():
            cur.execute(f"CREATE TABLE `{copy}`.`{table}` LIKE `{source}`.`{table}`")


def empty_target_problems(database: str, tables: list[str]) -> list[str]:
    with ds.postgres_connect(postgres_server(), database) as conn:
        counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    return [f"{t}: {n} rows, the empty copy has none" for t, n in counts.items() if n]


def run_pgloader(shape: Shape, work: Path, database: str, label: str) -> Outcome:
    if not shutil.which("pgloader"):
        return Outcome("pgloader", False, note="pgloader is not installed")
    command = pgloader_command(
        mysql_server(),
        postgres_server(),
        database,
        source_database=shape.mysql_database,
        exclude=shape.excluded,
        quote_identifiers=shape.camel_case,
    )
    m = measure_pgloader(command, work / "pgloader", work / "logs", label=label)
    details = dict(PGLOADER_SETTINGS)
    if m.returncode != 0:
        return Outcome("pgloader", False, m, details=details, note=redact(m.tail(8)))
    return Outcome("pgloader", True, m, details=details)


def run_raw(shape: Shape, work: Path, database: str, system: str, jobs: int, label) -> Outcome:
    argv = [
        sys.executable, "-m", "benchmarks.peers", "raw", "--database", database,
        "--mode", "files" if system == "raw" else "pipe", "--jobs", str(jobs),
        "--csv-dir", str(work / "raw_csv"), "--source-database", shape.mysql_database,
        *[f"--exclude={t}" for t in shape.excluded],
    ]  # fmt: skip
    env = client_env(mysql_server(), postgres_server())
    m = run_measured(argv, log_dir=work / "logs", label=label, env=env, cwd=REPO_ROOT)
    if m.returncode != 0:
        return Outcome(system, False, m, note=redact(m.tail(8)))
    lines = m.stdout.read_text().strip().splitlines()
    return Outcome(system, True, m, details=json.loads(lines[-1]))


def verify(shape: Shape, database: str, expected: dict) -> list[str]:
    """The target against MySQL: content sums with a spec, exact row counts without."""
    postgres = postgres_server()
    if shape.spec is not None:
        moved = [t for t in shape.spec if t.name not in shape.excluded]
        return ds.compare(expected, ds.fingerprint_postgres(postgres, database, moved))
    problems = []
    with ds.postgres_connect(postgres, database) as conn:
        for table, rows in expected.items():
            n = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            if str(n) != rows["rows"]:
                problems.append(f"{table}: {n} rows, MySQL has {rows['rows']}")
    return problems


def source_facts(shape: Shape) -> tuple[dict, int, int, int]:
    """(expected content per table, rows, data_length bytes, tables) of the moved tables."""
    mysql = mysql_server()
    sizes = ds.data_sizes(mysql, shape.mysql_database)
    if shape.spec is not None:
        moved = [t for t in shape.spec if t.name not in shape.excluded]
        expected = ds.fingerprint_mysql(mysql, moved, shape.mysql_database)
    else:
        expected = {}
        with ds.mysql_connect(mysql, shape.mysql_database) as conn, conn.cursor() as cur:
            for table in sorted(sizes):
                if table not in shape.excluded:
                    cur.execute(f"SELECT COUNT(*) FROM `{table}`")
                    expected[table] = {"rows": str(cur.fetchone()[0])}
    rows = sum(int(e["rows"]) for e in expected.values())
    data = sum(sizes[t] for t in expected)
    return expected, rows, data, len(expected)


# ---- the report ---------------------------------------------------------------------------------


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(shape: Shape, runs: dict[str, list[Outcome]], rows: int, data: int) -> list[str]:
    header = (
        f"{'system':<9} {'runs':>4} {'wall s':>7} {'rows/s':>9} {'MiB/s':>6} {'RSS MiB':>8} "
        f"{'(process)':<12} {'CPU s: own':>10} {'mariadb':>8} {'postgres':>8} {'other':>6}  check"
    )
    lines = [header, "-" * len(header)]
    medians: dict[str, float] = {}
    for system, outcomes in runs.items():
        ok = [o for o in outcomes if o.available and o.measurement]
        if not ok:
            lines.append(f"{system:<9} n/a")
            continue
        ms = [o.measurement for o in ok]
        wall = medians[system] = _median([m.seconds for m in ms])
        peak = max(ms, key=lambda m: m.peak_rss)
        problems = sum(len(o.problems) for o in outcomes)
        lines.append(
            f"{system:<9} {len(ms):>4} {wall:>7.1f} {rows / wall:>9,.0f} "
            f"{data / MiB / wall:>6.1f} {peak.peak_rss / MiB:>8.0f} "
            f"{'(' + peak.peak_process + ')':<12} {_median([m.cpu_seconds for m in ms]):>10.1f} "
            f"{_median([m.mysql_cpu_seconds for m in ms]):>8.1f} "
            f"{_median([m.postgres_cpu_seconds for m in ms]):>8.1f} "
            f"{_median([m.other_cpu_seconds for m in ms]):>6.1f}  "
            f"{'ok' if not problems else f'{problems} MISMATCH(ES)'}"
        )
    conv = medians.get("converge")
    for peer in ("converge-ref", "pgloader", "raw", "raw-pipe"):
        if peer not in medians or conv is None:
            continue
        per_round = [
            f"{c.measurement.seconds / p.measurement.seconds:.2f}"
            for c, p in zip(runs["converge"], runs[peer], strict=False)
            if c.measurement and p.measurement and c.available and p.available
        ]
        target = ""
        if peer == "pgloader":
            met = "met" if conv / medians[peer] <= shape.target_ratio else "NOT met"
            target = f"  (target <= {shape.target_ratio:g}x: {met})"
        lines.append(
            f"converge/{peer}: {conv / medians[peer]:.2f}x "
            f"(per round: {', '.join(per_round)}){target}"
        )
    if conv is not None and "pgloader" in medians:
        ms = [o.measurement for o in runs["converge"] if o.available and o.measurement]
        busy = _median([m.cpu_seconds + m.mysql_cpu_seconds + m.postgres_cpu_seconds for m in ms])
        cores = os.cpu_count() or 1
        lines.append(
            f"converge's CPU (own + servers) {busy:.1f} s / {cores} cores = {busy / cores:.1f} s: "
            f"its wall time were every core busy throughout, {busy / cores / medians['pgloader']:.2f}x "
            "pgloader's"
        )
    if "converge-empty" in medians and "pgloader" in medians:
        floor = medians["converge-empty"] / medians["pgloader"]
        lines.append(
            f"converge-empty/pgloader: {floor:.2f}x (converge moving no row at all, against "
            f"pgloader moving every row: no change to the data path gets converge below this)"
        )
    parities = [o.details["parity"] for o in runs.get("converge", []) if "parity" in o.details]
    if parities and conv:
        p = {k: _median([x[k] for x in parities]) for k in parities[0] if k != "failed"}
        failed = sorted({t for x in parities for t in x["failed"]})
        lines.append(
            f"parity alone (serial, after the run): {p['seconds']:.1f} s = "
            f"{p['seconds'] / conv:.0%} of converge's wall (MySQL side {p['mysql_side_seconds']:.1f}"
            f" s, PostgreSQL side {p['postgres_side_seconds']:.1f} s); CPU: mariadb "
            f"{p['mysql_cpu_seconds']:.1f} s, postgres {p['postgres_cpu_seconds']:.1f} s, "
            f"client {p['own_cpu_seconds']:.1f} s" + (f"; FAILED: {failed}" if failed else "")
        )
    for system, outcomes in runs.items():
        for o in outcomes:
            if o.system == "converge" and "discover_seconds" in o.details:
                lines.append(
                    f"converge discover (not timed): {o.details['discover_seconds']:.1f} s"
                )
                break
        for o in outcomes:
            if o.note:
                lines.append(f"{system} not available: " + o.note.replace("\n", "\n    "))
            if "parity_note" in o.details:
                lines.append("parity_cost failed: " + o.details["parity_note"])
            for problem in o.problems[:10]:
                lines.append(f"{system} MISMATCH: {problem}")
            if o.measurement and o.measurement.leftovers:
                lines.append(f"{system} left processes behind: {o.measurement.leftovers}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--shapes", default=",".join(SHAPES), help=f"subset of {SHAPES}")
    parser.add_argument("--systems", help=f"subset of {SYSTEMS} (default: all it can run)")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each system, alternating")
    parser.add_argument("--scale", type=float, default=1.0, help="scale shape: 1 = 1.25M rows")
    parser.add_argument("--kratos-rows", type=int, default=32, help="the demo seed's scale")
    parser.add_argument("--alkemio-scale", type=float, default=1.0)
    parser.add_argument("--many-tables", type=int, default=500)
    parser.add_argument("--many-rows", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2, help="raw pipeline: tables at a time")
    parser.add_argument(
        "--reference-tree",
        type=Path,
        help="another checkout of converge (with `make env` done) run as system converge-ref: "
        "an A/B of two versions in one run",
    )
    parser.add_argument("--regenerate", action="store_true", help="re-create the MySQL data")
    parser.add_argument("--work-dir", type=Path, help="logs, CSV files, results.json")
    args = parser.parse_args(argv)
    default_systems = [s for s in SYSTEMS if s != "converge-ref" or args.reference_tree]
    systems = [s.strip() for s in (args.systems or ",".join(default_systems)).split(",")]
    systems = [s for s in systems if s]
    if "converge-ref" in systems and not args.reference_tree:
        parser.error("converge-ref needs --reference-tree")
    chosen = [s.strip() for s in args.shapes.split(",") if s.strip()]
    if set(systems) - set(SYSTEMS) or set(chosen) - set(SHAPES):
        parser.error(f"systems are among {SYSTEMS}, shapes among {SHAPES}")

    stamp = time.strftime("%Y%m%d-%H%M%S")
    work = args.work_dir or Path(tempfile.gettempdir()) / f"converge_bench-{stamp}"
    work.mkdir(parents=True, exist_ok=True)
    info = machine()
    print(f"MySQL {mysql_server()}, PostgreSQL {postgres_server()}, work dir {work}")
    for key, value in info.items():
        print(f"  {key:<11} {value}")
    print(
        "CPU s: own = the system's processes; mariadb/postgres = the servers' processes over the"
        " run; other = the rest of the machine (more than a few s: other work disturbed it)."
        "\npeak RSS = largest VmHWM of any one process of the run (name*: the root's wait4)."
    )

    every = shapes(args)
    results: dict = {"machine": info, "rounds": args.rounds, "shapes": {}}
    summary = []
    failed = False
    for name in chosen:
        shape = every[name]
        if args.regenerate and shape.spec is not None:
            ds.generate_mysql(
                mysql_server(), shape.spec, log=lambda s: None, database=shape.mysql_database
            )
        else:
            shape.create_source()
        expected, rows, data, ntables = source_facts(shape)
        print(
            f"\n== {name}: {ntables} tables, {rows:,} rows, {data / MiB:.0f} MiB data_length",
            flush=True,
        )
        runs: dict[str, list[Outcome]] = {s: [] for s in systems}
        for r in range(args.rounds):
            order = systems if r % 2 == 0 else list(reversed(systems))
            for system in order:
                database = shape.database(system)
                shape.create_target(database)
                with ds.postgres_connect(postgres_server()) as conn:
                    conn.execute("CHECKPOINT")  # the previous system's dirty buffers
                label = f"{name}-{system}-{r + 1}"
                if system == "converge":
                    outcome = run_converge(shape, work, f"{label}-{stamp}")
                elif system == "converge-ref":
                    outcome = run_converge(
                        shape, work, f"{label}-{stamp}", system, args.reference_tree
                    )
                elif system == "converge-empty":
                    create_empty_copy(shape)
                    outcome = run_converge(shape, work, f"{label}-{stamp}", system)
                elif system == "pgloader":
                    outcome = run_pgloader(shape, work, database, label)
                else:
                    outcome = run_raw(shape, work, database, system, args.jobs, label)
                if outcome.available and system == "converge-empty":
                    outcome.problems = empty_target_problems(database, list(expected))
                elif outcome.available:
                    outcome.problems = verify(shape, database, expected)
                m = outcome.measurement
                print(
                    f"  round {r + 1} {system:<9} "
                    + (f"{m.seconds:6.1f} s" if m else "  n/a")
                    + ("" if outcome.available else " (not available)")
                    + (f" {len(outcome.problems)} MISMATCHES" if outcome.problems else "")
                    + (
                        f" (other work: {m.other_cpu_seconds:.0f} CPU s)"
                        if m and m.other_cpu_seconds > max(3.0, 0.1 * m.seconds)
                        else ""
                    ),
                    flush=True,
                )
                runs[system].append(outcome)
                failed |= bool(outcome.problems)
                shutil.rmtree(work / "converge_csv", ignore_errors=True)
                shutil.rmtree(work / "raw_csv", ignore_errors=True)
        lines = report(shape, runs, rows, data)
        summary.append(f"\n== {name}: {ntables} tables, {rows:,} rows, {data / MiB:.0f} MiB")
        summary += lines
        results["shapes"][name] = {
            "tables": ntables,
            "rows": rows,
            "data_bytes": data,
            "target_ratio": shape.target_ratio,
            "systems": {
                s: [
                    {
                        "available": o.available,
                        "seconds": round(o.measurement.seconds, 2) if o.measurement else None,
                        "returncode": o.measurement.returncode if o.measurement else None,
                        "peak_rss_bytes": o.measurement.peak_rss if o.measurement else None,
                        "cpu_seconds": round(o.measurement.cpu_seconds, 2)
                        if o.measurement
                        else None,
                        "mysql_cpu_seconds": round(o.measurement.mysql_cpu_seconds, 2)
                        if o.measurement
                        else None,
                        "postgres_cpu_seconds": round(o.measurement.postgres_cpu_seconds, 2)
                        if o.measurement
                        else None,
                        "other_cpu_seconds": round(o.measurement.other_cpu_seconds, 2)
                        if o.measurement
                        else None,
                        "problems": o.problems,
                        "details": o.details,
                        "note": o.note,
                    }
                    for o in outcomes
                ]
                for s, outcomes in runs.items()
            },
        }
        (work / "results.json").write_text(json.dumps(results, indent=2))
    print("\n".join(summary))
    print(f"\nlogs and results.json in {work}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
